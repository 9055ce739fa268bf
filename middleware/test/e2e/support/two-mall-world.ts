import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiKeysService } from '../../../src/auth/api-keys.service';
import type { Scope } from '../../../src/auth/scopes';
import type { LedgerPort } from '../../../src/ledger/ledger.port';
import type { NetworkFile } from '../../../src/ledger/network-description';
import { closeAll } from '../../support/test-db';
import { requireNetwork } from '../../ledger/network';
import { openChecker } from './ledger-check';
import { type RealApp, startRealApp } from './real-app';

export type MallMsp = 'MallAMSP' | 'MallBMSP';

/** One mall of the world: its production middleware and an API key of its own with the scopes asked for. */
export interface WorldMall {
  readonly mspId: MallMsp;
  readonly app: RealApp;
  readonly key: string;
}

export interface TwoMallWorld {
  /** The dev network's description (`requireNetwork()`). */
  readonly networkFile: string;
  readonly channel: string;
  /** MEMBER_DATA_KEY of both malls (with `points`): what seals custodial DID keys in their databases. */
  readonly memberDataKey: string;
  readonly a: WorldMall;
  readonly b: WorldMall;
  /** Gateway clients of each mall's own peer, independent of the middlewares, for checking the ledger. */
  readonly peerA: LedgerPort;
  readonly peerB: LedgerPort;
  /** Closes the checkers and both middlewares (and drops their databases). */
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Scopes of each mall's `key`: one list for both, or one a mall. */
  readonly scopes: readonly Scope[] | { readonly a: readonly Scope[]; readonly b: readonly Scope[] };
  /** The API keys' label. */
  readonly keyName?: string;
  /** Mall A issues membership credentials with an issuer key of its own; mall B only verifies. */
  readonly issuerAtA?: boolean;
  /**
   * Points and Haide: the malls' admin identity on the ledger (programs and merchants are registered by a mall
   * admin; the same identity then carries the Haide calls), a partner-secret key and the member-data key.
   */
  readonly points?: boolean;
}

/** A fresh P-256 PKCS#8 key file, readable only by its owner: a mall's credential issuer key. */
export function issuerKeyFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'issuer-')), 'issuer.pem');
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' });
  writeFileSync(file, pem, { mode: 0o600 });
  return file;
}

/**
 * Mall A's and mall B's production middlewares on the dev network, each on its own fresh Postgres database, each
 * with an API key, plus a checker on each mall's peer. What fails half-way is closed again before the error is
 * thrown.
 */
export async function twoMallWorld(opts: WorldOptions): Promise<TwoMallWorld> {
  const networkFile = requireNetwork();
  const channel = (JSON.parse(readFileSync(networkFile, 'utf8')) as NetworkFile).channel;
  const scopes = 'a' in opts.scopes ? opts.scopes : { a: opts.scopes, b: opts.scopes };
  const memberDataKey = randomBytes(32).toString('base64');
  const shared: Record<string, string> = opts.points ? { LEDGER_USER: 'admin', MEMBER_DATA_KEY: memberDataKey } : {};
  const extraOf = (mspId: MallMsp): Record<string, string> => ({
    ...shared,
    ...(opts.points ? { PARTNER_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
    ...(opts.issuerAtA && mspId === 'MallAMSP' ? { CREDENTIAL_ISSUER_KEY_FILE: issuerKeyFile() } : {}),
  });
  const closers: (() => Promise<void> | void)[] = [];
  const mall = async (mspId: MallMsp, own: readonly Scope[]): Promise<WorldMall> => {
    const app = await startRealApp(networkFile, { mspId, extra: extraOf(mspId) });
    closers.unshift(() => app.close());
    const { key } = await app.app.get(ApiKeysService).create(mspId, opts.keyName ?? 'e2e', own);
    return { mspId, app, key };
  };
  const checker = async (mspId: MallMsp): Promise<LedgerPort> => {
    const peer = await openChecker(networkFile, mspId);
    closers.unshift(() => {
      peer.close();
    });
    return peer;
  };
  const close = (): Promise<void> => closeAll(...closers);
  try {
    const a = await mall('MallAMSP', scopes.a);
    const b = await mall('MallBMSP', scopes.b);
    const peerA = await checker('MallAMSP');
    const peerB = await checker('MallBMSP');
    return { networkFile, channel, memberDataKey, a, b, peerA, peerB, close };
  } catch (e) {
    await close();
    throw e;
  }
}
