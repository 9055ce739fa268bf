/**
 * What every admin operation needs: the Fabric tools, the network's paths and topology
 * (including malls added later), and the CLI environment of an organisation's admin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkContext } from '../context';
import { FabricTools } from '../fabric';
import { NetworkPaths } from '../paths';
import { Progress } from '../progress';
import { NetworkSettings, NetworkState } from '../settings';
import { MALL_LETTERS, MallOrg, ORDERER_DOMAIN, Topology, mallOrg } from '../topology';
import { AdminError } from './errors';

export interface AdminContext {
  readonly tools: FabricTools;
  readonly paths: NetworkPaths;
  readonly settings: NetworkSettings;
  readonly state: NetworkState;
  readonly topology: Topology;
  readonly progress: Progress;
}

/** The admin context on one channel (and the network's topology, or `topology`), for network-level operations. */
export function onChannel(ctx: AdminContext, channel: string, topology: Topology = ctx.topology): NetworkContext {
  return { tools: ctx.tools, paths: ctx.paths, topology, channel, progress: ctx.progress };
}

/** An MSP folder to act with (signcerts/ and keystore/), and its MSP ID. */
export interface MspIdentity {
  readonly mspId: string;
  readonly mspDir: string;
}

export const ORDERER_MSP = 'OrdererMSP';

/** `MallC` / `C` / `MallCMSP` → `C`; refuses anything that is not a known mall letter. */
export function mallLetter(name: string): string {
  const letter = name.replace(/^Mall/, '').replace(/MSP$/, '');
  if (!(MALL_LETTERS as readonly string[]).includes(letter)) {
    throw new AdminError('INVALID_INPUT', `${name} is not a mall (use a letter ${MALL_LETTERS.join(', ')}, or MallC)`);
  }
  return letter;
}

export function mallOf(ctx: Pick<AdminContext, 'settings'>, name: string): MallOrg {
  const letter = mallLetter(name);
  return mallOrg(letter, MALL_LETTERS.indexOf(letter as never), ctx.settings.portBase);
}

/** A mall of the running network (its letter recorded in state.json). */
export function memberMall(ctx: AdminContext, name: string): MallOrg {
  const m = mallOf(ctx, name);
  if (!ctx.topology.malls.some((x) => x.mspId === m.mspId)) {
    const known = ctx.topology.malls.map((x) => x.mspId).join(', ');
    throw new AdminError('NOT_FOUND', `${m.mspId} is not a mall of this network (malls: ${known})`);
  }
  return m;
}

/** The admin identity cryptogen made for an organisation of this network. */
export function orgAdmin(ctx: AdminContext, mspId: string): MspIdentity {
  if (mspId === ORDERER_MSP)
    return { mspId, mspDir: join(ctx.paths.ordererOrgDir(), 'users', `Admin@${ORDERER_DOMAIN}`, 'msp') };
  return { mspId, mspDir: ctx.paths.userMsp(memberMall(ctx, mspId), 'Admin') };
}

/** Environment of the `peer` CLI acting as `id` (against `peer` when given). */
export function cliEnv(ctx: AdminContext, id: MspIdentity, peer?: MallOrg): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: `${ctx.tools.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    FABRIC_CFG_PATH: ctx.tools.configDir,
    FABRIC_LOGGING_SPEC: 'WARNING',
    CORE_PEER_LOCALMSPID: id.mspId,
    CORE_PEER_MSPCONFIGPATH: id.mspDir,
    CORE_PEER_TLS_ENABLED: 'true',
  };
  if (peer) {
    env.CORE_PEER_ADDRESS = `127.0.0.1:${peer.peer.port}`;
    env.CORE_PEER_TLS_ROOTCERT_FILE = ctx.paths.peerTlsCa(peer);
  }
  return env;
}

/** Runs `fn` with a scratch directory that is removed afterwards. */
export async function withScratch<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'mallchain-admin-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
