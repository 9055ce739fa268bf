import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { NetworkContext } from './context';
import { NetworkError } from './errors';
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

/** etcdraft: every orderer a consenter. */
function raftOrdering(paths: NetworkPaths, t: Topology): Record<string, unknown> {
  return {
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
  };
}

/**
 * SmartBFT: the consenter mapping names each orderer with its ID, endpoint, MSP, signing identity and TLS
 * certificates (configtxgen derives the block validation policy from it). 4 nodes tolerate f = 1 faulty one; the
 * timeouts are shorter than Fabric's samples so that a lost leader is replaced within seconds on one machine.
 */
function bftOrdering(paths: NetworkPaths, t: Topology): Record<string, unknown> {
  return {
    OrdererType: 'BFT',
    ConsenterMapping: t.orderers.map((o, i) => {
      const tls = join(paths.ordererDir(o), 'tls', 'server.crt');
      return {
        ID: i + 1,
        Host: '127.0.0.1',
        Port: o.port,
        MSPID: t.ordererOrg.mspId,
        Identity: join(paths.ordererDir(o), 'msp', 'signcerts', `${o.host}-cert.pem`),
        ClientTLSCert: tls,
        ServerTLSCert: tls,
      };
    }),
    SmartBFT: {
      RequestBatchMaxCount: BATCH.maxMessageCount,
      RequestBatchMaxInterval: BATCH.timeout,
      RequestForwardTimeout: '2s',
      RequestComplainTimeout: '6s',
      RequestAutoRemoveTimeout: '3m0s',
      ViewChangeResendInterval: '2s',
      ViewChangeTimeout: '10s',
      LeaderHeartbeatTimeout: '10s',
      LeaderHeartbeatCount: 10,
      CollectTimeout: '1s',
      IncomingMessageBufferSize: 200,
      RequestPoolSize: 100000,
    },
  };
}

/** The channel profile: etcdraft (or SmartBFT for the `bft` profile) ordering, the malls as application orgs. */
export function channelProfile(tools: FabricTools, paths: NetworkPaths, t: Topology): Record<string, unknown> {
  const v3 = isFabric3(tools);
  if (t.profile === 'bft' && !v3)
    throw new NetworkError(
      `the bft profile needs Fabric 3 (SmartBFT, V3_0 capability); this is Fabric ${tools.version}`,
      {
        hint: 'use MALLCHAIN_FABRIC_VERSION=auto or 3.1.1, or another profile',
      },
    );
  const standard = { Readers: meta('ANY Readers'), Writers: meta('ANY Writers'), Admins: meta('MAJORITY Admins') };
  return {
    Policies: standard,
    Capabilities: v3 ? { V3_0: true } : { V2_0: true },
    Orderer: {
      ...(t.profile === 'bft' ? bftOrdering(paths, t) : raftOrdering(paths, t)),
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
