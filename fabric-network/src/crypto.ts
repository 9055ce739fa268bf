import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from './exec';
import { FabricTools } from './fabric';
import { NetworkPaths } from './paths';
import { MallOrg, Topology } from './topology';

const SANS = ['127.0.0.1', 'localhost'];

/** cryptogen input for one mall organisation (NodeOUs on, SANs for loopback). */
export function mallCryptoSpec(m: MallOrg): Record<string, unknown> {
  return {
    Name: m.name,
    Domain: m.domain,
    EnableNodeOUs: true,
    Specs: [{ Hostname: m.peer.name, SANS }],
    Users: { Count: 1 },
  };
}

export function cryptoConfig(t: Topology): Record<string, unknown> {
  return {
    OrdererOrgs: [
      {
        Name: t.ordererOrg.name,
        Domain: t.ordererOrg.domain,
        EnableNodeOUs: true,
        Specs: t.orderers.map((o) => ({ Hostname: o.name, SANS })),
      },
    ],
    PeerOrgs: t.malls.map(mallCryptoSpec),
  };
}

/**
 * Generates MSPs and TLS material for every organisation that has none yet, so that
 * re-running `up` keeps existing identities (and the ledgers signed with them).
 */
export async function ensureCrypto(tools: FabricTools, paths: NetworkPaths, t: Topology): Promise<boolean> {
  const missing = !existsSync(paths.ordererOrgDir()) || t.malls.some((m) => !existsSync(paths.orgDir(m)));
  if (!missing) return false;
  mkdirSync(paths.config, { recursive: true });
  const file = join(paths.config, 'crypto-config.yaml');
  writeFileSync(file, stringify(cryptoConfig(t)));
  // `extend` adds what is missing and keeps what exists.
  await run(tools.bin('cryptogen'), ['extend', '--config', file, '--input', paths.crypto]);
  return true;
}
