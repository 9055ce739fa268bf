/**
 * An isolated network for the admin end-to-end test: its own data directory and port base,
 * so that the shared dev network (base 7000) is never touched. Stopped and purged at the end.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  AuditRecord,
  ConfigProposal,
  ConsortiumAdmin,
  Network,
  NetworkDescription,
  NetworkSettings,
  SubmitResult,
  ensureFabric,
  networkSettings,
} from '../../fabric-network/src';
import { ChainUser } from './chain-call';
import { connectTo, loadDescription, mspIdentity } from './gateway';
import { ADMIN_PORT_BASES, freePortBase } from './ports';

export interface AdminNetwork {
  readonly settings: NetworkSettings;
  readonly network: Network;
  readonly admin: ConsortiumAdmin;
  readonly audit: AuditRecord[];
  readonly progress: string[];
  description(): NetworkDescription;
}

/** Starts a two-mall network in a temporary home on the first free base of `portBases`. */
export async function startAdminNetwork(portBases: readonly number[] = ADMIN_PORT_BASES): Promise<AdminNetwork> {
  const home = mkdtempSync(join(tmpdir(), 'mallchain-admin-e2e-'));
  const portBase = await freePortBase(portBases);
  const settings: NetworkSettings = networkSettings({ home, portBase });
  const progress: string[] = [];
  const audit: AuditRecord[] = [];
  const report = (m: string): void => {
    progress.push(m);
  };
  const network = new Network(settings, report);
  await network.up();
  const admin = new ConsortiumAdmin({ settings, progress: report, audit: (r) => audit.push(r), actor: 'e2e-admin' });
  return {
    settings,
    network,
    admin,
    audit,
    progress,
    description: () => loadDescription(home),
  };
}

/**
 * Appends a signature by any MSP folder straight into the proposal's envelope, as a
 * tampered proposal file would carry it (the admin API itself refuses non-admin signers).
 */
export async function forgeSignature(p: ConfigProposal, mspId: string, mspDir: string): Promise<ConfigProposal> {
  const tools = await ensureFabric(() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'mallchain-forge-'));
  try {
    const file = join(dir, 'update.pb');
    writeFileSync(file, Buffer.from(p.envelope, 'base64'));
    execFileSync(tools.bin('peer'), ['channel', 'signconfigtx', '-f', file], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        FABRIC_CFG_PATH: tools.configDir,
        CORE_PEER_LOCALMSPID: mspId,
        CORE_PEER_MSPCONFIGPATH: mspDir,
      },
      stdio: 'ignore',
    });
    return { ...p, envelope: readFileSync(file).toString('base64') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The whole add-mall flow: propose, each of `signers` signs with their org's admin, `submitter`
 * submits (its peer is started, joined and approves the chaincode).
 */
export async function admitMall(
  n: AdminNetwork,
  mall: string,
  signers: readonly string[],
  submitter: string,
): Promise<SubmitResult> {
  let p = await n.admin.proposeAddMall(mall);
  for (const s of signers) p = await n.admin.signProposal(p, s);
  return n.admin.submitProposal(p, submitter);
}

/** A ChainUser acting with any MSP folder (an identity the admin API issued), through `peerOrg`'s gateway. */
export function userWithMsp(d: NetworkDescription, mspId: string, mspDir: string, peerOrg = mspId): ChainUser {
  return new ChainUser(
    `${mspId} ${basename(dirname(mspDir))}`,
    d.channel,
    connectTo(d, peerOrg, mspIdentity(mspId, mspDir)),
  );
}

/** Stops every process of the network (peers, orderers, chaincode servers) and removes its home. */
export function stopAdminNetwork(n: AdminNetwork | undefined): Promise<string[]> {
  return n ? n.network.down(true) : Promise.resolve([]);
}
