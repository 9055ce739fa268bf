/**
 * Builders for device tests: registration and rotation requests with proof of possession,
 * and statements signed by real device keys.
 */
import { createHash } from 'node:crypto';
import { TestKey, newKey, signJcs } from './dids-keys';

export const CHANNEL = 'mallchannel';

export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function registerRequest(
  key: TestKey,
  ownerMsp: string,
  opts: { type?: string; channel?: string; overrides?: Record<string, unknown> } = {},
): string {
  const kid = `${key.did}#key-1`;
  const signature = signJcs(key, {
    op: 'registerDevice',
    channel: opts.channel ?? CHANNEL,
    chaincode: 'mallchain',
    did: key.did,
    kid,
    ownerMsp,
  });
  return JSON.stringify({
    did: key.did,
    type: opts.type ?? 'people_counter',
    model: 'PC-3000',
    firmwareDigest: digestOf('firmware 1.2.0'),
    location: { site: 'Mall A', floor: 'F1', zone: 'Atrium', entrance: 'North gate' },
    publicKeyJwk: key.jwk,
    proof: { signature },
    ...opts.overrides,
  });
}

export function rotateRequest(
  deviceDid: string,
  newKeyPair: TestKey,
  keyNumber: number,
  ownerMsp: string,
  extra: Record<string, unknown> = {},
): string {
  const signature = signJcs(newKeyPair, {
    op: 'rotateDeviceKey',
    channel: CHANNEL,
    chaincode: 'mallchain',
    did: deviceDid,
    kid: `${deviceDid}#key-${keyNumber}`,
    ownerMsp,
  });
  return JSON.stringify({ did: deviceDid, publicKeyJwk: newKeyPair.jwk, proof: { signature }, ...extra });
}

export interface StatementOptions {
  periodStart?: string;
  periodEnd?: string;
  channel?: string;
  digest?: string;
  kind?: string;
}

export function statement(deviceDid: string, seq: number, opts: StatementOptions = {}): Record<string, unknown> {
  return {
    deviceDid,
    seq,
    periodStart: opts.periodStart ?? '2026-03-01T01:45:00Z',
    periodEnd: opts.periodEnd ?? '2026-03-01T02:00:00Z',
    kind: opts.kind ?? 'traffic',
    digest: opts.digest ?? digestOf(`records ${deviceDid} ${seq}`),
    count: 12,
    summary: { inNum: 130, outNum: 118 },
    channel: opts.channel ?? CHANNEL,
  };
}

/** One SubmitAttestations entry signed by `key` as `kid`. */
export function entry(
  key: TestKey,
  deviceDid: string,
  seq: number,
  opts: StatementOptions & { kid?: string } = {},
): Record<string, unknown> {
  const s = statement(deviceDid, seq, opts);
  return { statement: s, kid: opts.kid ?? `${deviceDid}#key-1`, signature: signJcs(key, s) };
}

/** Adds a gateway's relay signature to an entry. */
export function relayed(
  e: Record<string, unknown>,
  gateway: TestKey,
  kid = `${gateway.did}#key-1`,
): Record<string, unknown> {
  const payload = { op: 'relay', channel: CHANNEL, gatewayDid: gateway.did, statement: e.statement };
  return { ...e, relay: { gatewayDid: gateway.did, kid, signature: signJcs(gateway, payload) } };
}

export function batch(...entries: Record<string, unknown>[]): string {
  return JSON.stringify({ attestations: entries });
}

export { newKey };
