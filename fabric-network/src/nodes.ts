import { join } from 'node:path';
import { FabricTools } from './fabric';
import { NetworkPaths, REPO_ROOT } from './paths';
import { MallOrg, OrdererNode, Topology } from './topology';

/** Only what a Fabric process needs: no inherited secrets, a predictable PATH. */
function baseEnv(tools: FabricTools): NodeJS.ProcessEnv {
  return {
    PATH: `${tools.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR ?? '/tmp',
    FABRIC_CFG_PATH: tools.configDir,
  };
}

export function ordererEnv(tools: FabricTools, paths: NetworkPaths, o: OrdererNode): NodeJS.ProcessEnv {
  const dir = paths.ordererDir(o);
  const tls = join(dir, 'tls');
  const data = paths.ordererData(o);
  const adminCa = paths.ordererTlsCa();
  return {
    ...baseEnv(tools),
    FABRIC_LOGGING_SPEC: 'INFO',
    ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
    ORDERER_GENERAL_LISTENPORT: String(o.port),
    ORDERER_GENERAL_LOCALMSPID: 'OrdererMSP',
    ORDERER_GENERAL_LOCALMSPDIR: join(dir, 'msp'),
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_PRIVATEKEY: join(tls, 'server.key'),
    ORDERER_GENERAL_TLS_CERTIFICATE: join(tls, 'server.crt'),
    ORDERER_GENERAL_TLS_ROOTCAS: `[${join(tls, 'ca.crt')}]`,
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: join(tls, 'server.crt'),
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: join(tls, 'server.key'),
    ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${join(tls, 'ca.crt')}]`,
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_FILELEDGER_LOCATION: join(data, 'ledger'),
    ORDERER_CONSENSUS_WALDIR: join(data, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: join(data, 'etcdraft', 'snapshot'),
    ORDERER_ADMIN_LISTENADDRESS: `127.0.0.1:${o.adminPort}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: join(tls, 'server.crt'),
    ORDERER_ADMIN_TLS_PRIVATEKEY: join(tls, 'server.key'),
    ORDERER_ADMIN_TLS_ROOTCAS: `[${join(tls, 'ca.crt')}]`,
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${adminCa}]`,
    ORDERER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${o.operationsPort}`,
    ORDERER_METRICS_PROVIDER: 'prometheus',
  };
}

/**
 * Gossip membership timing. A (re)started peer's first probe of another mall's anchor peer races its own channel
 * initialisation ("Could not acquire policy manager for channel") or meets a peer that is briefly unreachable, and
 * fails; the other peer, having declared it dead, only retries dead members on the same interval. With Fabric's
 * default of 25 s, the gateways meanwhile know no peer of the other mall and every endorsement that needs it fails
 * with "no combination of peers can be derived which satisfy the endorsement policy". A probe every 2 s is cheap
 * for a consortium of a few peers; the attempts still span an hour (the default: 120 × 25 s).
 */
export const GOSSIP_MEMBERSHIP = { reconnectInterval: '2s', maxConnectionAttempts: 1800 } as const;

export const CCAAS_BUILDER_DIR = join(REPO_ROOT, 'fabric-network', 'builders', 'ccaas');

export function peerEnv(tools: FabricTools, paths: NetworkPaths, m: MallOrg): NodeJS.ProcessEnv {
  const dir = paths.peerDir(m);
  const tls = join(dir, 'tls');
  const data = paths.peerData(m);
  const address = `127.0.0.1:${m.peer.port}`;
  return {
    ...baseEnv(tools),
    FABRIC_LOGGING_SPEC: 'INFO',
    CORE_PEER_ID: m.peer.host,
    CORE_PEER_LISTENADDRESS: address,
    CORE_PEER_ADDRESS: address,
    CORE_PEER_CHAINCODELISTENADDRESS: `127.0.0.1:${m.peer.chaincodePort}`,
    CORE_PEER_CHAINCODEADDRESS: `127.0.0.1:${m.peer.chaincodePort}`,
    CORE_PEER_GOSSIP_BOOTSTRAP: address,
    CORE_PEER_GOSSIP_ENDPOINT: address,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
    CORE_PEER_GOSSIP_RECONNECTINTERVAL: GOSSIP_MEMBERSHIP.reconnectInterval,
    CORE_PEER_GOSSIP_MAXCONNECTIONATTEMPTS: String(GOSSIP_MEMBERSHIP.maxConnectionAttempts),
    CORE_PEER_LOCALMSPID: m.mspId,
    CORE_PEER_MSPCONFIGPATH: join(dir, 'msp'),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: join(tls, 'server.crt'),
    CORE_PEER_TLS_KEY_FILE: join(tls, 'server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: join(tls, 'ca.crt'),
    CORE_PEER_FILESYSTEMPATH: data,
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: join(data, 'snapshots'),
    CORE_PEER_GATEWAY_ENABLED: 'true',
    // Clients (the middleware's gateway connections) ping every 10 s to notice a dead peer on an idle stream; the
    // peer's default floor of 60 s answers such pings with GOAWAY "too many pings" and resets the connection.
    CORE_PEER_KEEPALIVE_MININTERVAL: '5s',
    CORE_OPERATIONS_LISTENADDRESS: `127.0.0.1:${m.peer.operationsPort}`,
    CORE_METRICS_PROVIDER: 'prometheus',
    // No Docker: chaincode runs as a service, reached through the ccaas external builder.
    CORE_VM_ENDPOINT: '',
    CORE_CHAINCODE_EXTERNALBUILDERS: JSON.stringify([
      { name: 'ccaas', path: CCAAS_BUILDER_DIR, propagateEnvironment: [] },
    ]),
  };
}

/** Environment for the `peer` CLI acting as an organisation's admin against its own peer. */
export function peerAdminEnv(tools: FabricTools, paths: NetworkPaths, m: MallOrg): NodeJS.ProcessEnv {
  return {
    ...baseEnv(tools),
    FABRIC_LOGGING_SPEC: 'WARNING',
    CORE_PEER_LOCALMSPID: m.mspId,
    CORE_PEER_MSPCONFIGPATH: paths.userMsp(m, 'Admin'),
    CORE_PEER_ADDRESS: `127.0.0.1:${m.peer.port}`,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: paths.peerTlsCa(m),
  };
}

/** Arguments that point the peer CLI at the first orderer over TLS. */
export function ordererArgs(paths: NetworkPaths, t: Topology): string[] {
  const o = t.orderers[0];
  if (!o) throw new Error('topology has no orderer');
  return [
    '-o',
    `127.0.0.1:${o.port}`,
    '--ordererTLSHostnameOverride',
    o.host,
    '--tls',
    '--cafile',
    paths.ordererTlsCa(),
  ];
}
