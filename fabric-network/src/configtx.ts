import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { NetworkContext } from './context';
import { run } from './exec';
import { FabricTools, isFabric3 } from './fabric';
import { NetworkPaths } from './paths';
import { MallOrg, Topology } from './topology';

/** Block cutting: a lone transaction waits about BatchTimeout; load fills blocks sooner. */
export const BATCH = { timeout: '250ms', maxMessageCount: 500, absoluteMaxBytes: '10 MB', preferredMaxBytes: '2 MB' };

function sig(rule: string): { Type: 'Signature'; Rule: string } {
  return { Type: 'Signature', Rule: rule };
}
function meta(rule: string): { Type: 'ImplicitMeta'; Rule: string } {
  return { Type: 'ImplicitMeta', Rule: rule };
}

/** A mall organisation as configtxgen describes it (also used when adding a mall later). */
export function mallOrgDefinition(paths: NetworkPaths, m: MallOrg): Record<string, unknown> {
  const id = m.mspId;
  return {
    Name: id,
    ID: id,
    MSPDir: join(paths.orgDir(m), 'msp'),
    Policies: {
      Readers: sig(`OR('${id}.admin', '${id}.peer', '${id}.client')`),
      Writers: sig(`OR('${id}.admin', '${id}.client')`),
      Admins: sig(`OR('${id}.admin')`),
      Endorsement: sig(`OR('${id}.peer')`),
    },
    AnchorPeers: [{ Host: '127.0.0.1', Port: m.peer.port }],
  };
}

function ordererOrgDefinition(paths: NetworkPaths, t: Topology): Record<string, unknown> {
  const id = t.ordererOrg.mspId;
  return {
    Name: t.ordererOrg.name,
    ID: id,
    MSPDir: join(paths.ordererOrgDir(), 'msp'),
    Policies: {
      Readers: sig(`OR('${id}.member')`),
      Writers: sig(`OR('${id}.member')`),
      Admins: sig(`OR('${id}.admin')`),
    },
    OrdererEndpoints: t.orderers.map((o) => `127.0.0.1:${o.port}`),
  };
}

/** The channel profile: etcdraft ordering, the malls as application orgs. */
export function channelProfile(tools: FabricTools, paths: NetworkPaths, t: Topology): Record<string, unknown> {
  const v3 = isFabric3(tools);
  const standard = { Readers: meta('ANY Readers'), Writers: meta('ANY Writers'), Admins: meta('MAJORITY Admins') };
  return {
    Policies: standard,
    Capabilities: v3 ? { V3_0: true } : { V2_0: true },
    Orderer: {
      OrdererType: 'etcdraft',
      EtcdRaft: {
        Consenters: t.orderers.map((o) => {
          const tls = join(paths.ordererDir(o), 'tls', 'server.crt');
          return { Host: '127.0.0.1', Port: o.port, ClientTLSCert: tls, ServerTLSCert: tls };
        }),
        Options: {
          TickInterval: '500ms',
          ElectionTick: 10,
          HeartbeatTick: 1,
          MaxInflightBlocks: 5,
          SnapshotIntervalSize: '16 MB',
        },
      },
      BatchTimeout: BATCH.timeout,
      BatchSize: {
        MaxMessageCount: BATCH.maxMessageCount,
        AbsoluteMaxBytes: BATCH.absoluteMaxBytes,
        PreferredMaxBytes: BATCH.preferredMaxBytes,
      },
      Organizations: [ordererOrgDefinition(paths, t)],
      Policies: { ...standard, BlockValidation: meta('ANY Writers') },
      Capabilities: { V2_0: true },
    },
    Application: {
      Organizations: t.malls.map((m) => mallOrgDefinition(paths, m)),
      Policies: {
        ...standard,
        LifecycleEndorsement: meta('MAJORITY Endorsement'),
        Endorsement: meta('MAJORITY Endorsement'),
      },
      Capabilities: { V2_5: true },
    },
  };
}

/** Writes configtx.yaml and produces the channel's genesis block. */
export async function createGenesisBlock({
  tools,
  paths,
  topology: t,
  channel,
}: Pick<NetworkContext, 'tools' | 'paths' | 'topology' | 'channel'>): Promise<string> {
  const dir = join(paths.config, 'configtx');
  mkdirSync(dir, { recursive: true });
  mkdirSync(paths.artifacts, { recursive: true });
  writeFileSync(join(dir, 'configtx.yaml'), stringify({ Profiles: { MallChannel: channelProfile(tools, paths, t) } }));
  const block = paths.channelBlock(channel);
  await run(tools.bin('configtxgen'), [
    '-configPath',
    dir,
    '-profile',
    'MallChannel',
    '-outputBlock',
    block,
    '-channelID',
    channel,
  ]);
  return block;
}
