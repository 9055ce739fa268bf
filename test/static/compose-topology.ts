import { type MallOrg, type OrdererNode, type Topology, chaincodeServerPort } from '../../fabric-network/src/topology';
import { GOSSIP_MEMBERSHIP } from '../../fabric-network/src/nodes';
import { type ComposeDoc, type ComposeService, activeServices, envOf, portsOf } from './compose-file';

/** What the compose file must agree with: the native network's shape and names. */
export interface NativeNetwork {
  readonly dev: Topology;
  readonly ha: Topology;
  readonly channel: string;
  readonly chaincodeName: string;
}

/** Middleware of the mall at `index` (MallA 7300, MallB 7310, …): the port base plus 300 plus 10 per mall. */
export function middlewarePort(portBase: number, index: number): number {
  return portBase + 300 + index * 10;
}

/** Port of a `host:port` or `0.0.0.0:port` setting, or NaN. */
function portIn(value: string | undefined): number {
  const m = /:(\d+)$/.exec(value ?? '');
  return m ? Number(m[1]) : Number.NaN;
}

function expectEqual(problems: string[], what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    problems.push(`${what}: compose has ${JSON.stringify(actual)}, the native network ${JSON.stringify(expected)}`);
  }
}

function publishedPorts(name: string, s: ComposeService): number[] {
  return portsOf(name, s).map((p) => p.published ?? Number.NaN);
}

function ordererProblems(doc: ComposeDoc, o: OrdererNode, inDev: boolean): string[] {
  const problems: string[] = [];
  const s = doc.services[o.host];
  if (!s) return [`no service ${o.host} (${o.name})`];
  const env = envOf(s);
  expectEqual(problems, `${o.host} published ports`, publishedPorts(o.host, s), [
    o.port,
    o.adminPort,
    o.operationsPort,
  ]);
  expectEqual(problems, `${o.host} ORDERER_GENERAL_LISTENPORT`, Number(env.ORDERER_GENERAL_LISTENPORT), o.port);
  expectEqual(problems, `${o.host} admin port`, portIn(env.ORDERER_ADMIN_LISTENADDRESS), o.adminPort);
  expectEqual(problems, `${o.host} operations port`, portIn(env.ORDERER_OPERATIONS_LISTENADDRESS), o.operationsPort);
  expectEqual(problems, `${o.host} MSP ID`, env.ORDERER_GENERAL_LOCALMSPID, 'OrdererMSP');
  expectEqual(problems, `${o.host} bootstrap method`, env.ORDERER_GENERAL_BOOTSTRAPMETHOD, 'none');
  expectEqual(problems, `${o.host} channel participation`, env.ORDERER_CHANNELPARTICIPATION_ENABLED, 'true');
  expectEqual(problems, `${o.host} admin TLS client auth`, env.ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED, 'true');
  expectEqual(problems, `${o.host} profiles`, s.profiles ?? [], inDev ? [] : ['ha']);
  if (!String(env.ORDERER_GENERAL_LOCALMSPDIR).includes(`/orderers/${o.host}/`))
    problems.push(`${o.host} uses another node's MSP`);
  return problems;
}

function peerProblems(doc: ComposeDoc, m: MallOrg): string[] {
  const problems: string[] = [];
  const p = m.peer;
  const s = doc.services[p.host];
  if (!s) return [`no service ${p.host} (peer of ${m.mspId})`];
  const env = envOf(s);
  expectEqual(problems, `${p.host} published ports`, publishedPorts(p.host, s), [
    p.port,
    p.chaincodePort,
    p.operationsPort,
  ]);
  expectEqual(problems, `${p.host} MSP ID`, env.CORE_PEER_LOCALMSPID, m.mspId);
  expectEqual(problems, `${p.host} CORE_PEER_ID`, env.CORE_PEER_ID, p.host);
  expectEqual(problems, `${p.host} CORE_PEER_ADDRESS`, env.CORE_PEER_ADDRESS, `${p.host}:${p.port}`);
  expectEqual(
    problems,
    `${p.host} gossip external endpoint`,
    env.CORE_PEER_GOSSIP_EXTERNALENDPOINT,
    `${p.host}:${p.port}`,
  );
  expectEqual(
    problems,
    `${p.host} gossip reconnect interval`,
    [env.CORE_PEER_GOSSIP_RECONNECTINTERVAL, env.CORE_PEER_GOSSIP_MAXCONNECTIONATTEMPTS],
    [GOSSIP_MEMBERSHIP.reconnectInterval, String(GOSSIP_MEMBERSHIP.maxConnectionAttempts)],
  );
  expectEqual(problems, `${p.host} listen port`, portIn(env.CORE_PEER_LISTENADDRESS), p.port);
  expectEqual(
    problems,
    `${p.host} chaincode listen port`,
    portIn(env.CORE_PEER_CHAINCODELISTENADDRESS),
    p.chaincodePort,
  );
  expectEqual(problems, `${p.host} operations port`, portIn(env.CORE_OPERATIONS_LISTENADDRESS), p.operationsPort);
  expectEqual(problems, `${p.host} gateway`, env.CORE_PEER_GATEWAY_ENABLED, 'true');
  expectEqual(problems, `${p.host} state database`, env.CORE_LEDGER_STATE_STATEDATABASE, 'goleveldb');
  expectEqual(problems, `${p.host} profiles`, s.profiles ?? [], []);
  if (!String(env.CORE_PEER_MSPCONFIGPATH).includes(`/peerOrganizations/${m.domain}/peers/${p.host}/`))
    problems.push(`${p.host} uses another node's MSP`);
  return problems;
}

function middlewareProblems(doc: ComposeDoc, m: MallOrg, index: number, native: NativeNetwork): string[] {
  const problems: string[] = [];
  const entry = Object.entries(doc.services).find(([, s]) => envOf(s).MALL_MSP_ID === m.mspId);
  if (!entry) return [`no middleware service with MALL_MSP_ID=${m.mspId}`];
  const [name, s] = entry;
  const env = envOf(s);
  const port = middlewarePort(native.dev.portBase, index);
  expectEqual(problems, `${name} published ports`, publishedPorts(name, s), [port]);
  expectEqual(problems, `${name} PORT`, Number(env.PORT), port);
  expectEqual(problems, `${name} LEDGER_PEER_ENDPOINT`, env.LEDGER_PEER_ENDPOINT, `${m.peer.host}:${m.peer.port}`);
  expectEqual(problems, `${name} LEDGER_CHANNEL`, env.LEDGER_CHANNEL, native.channel);
  expectEqual(problems, `${name} LEDGER_CHAINCODE`, env.LEDGER_CHAINCODE, native.chaincodeName);
  return problems;
}

/** The chaincode server, and the tools services that deploy it, agree with the native names and port. */
function chaincodeProblems(doc: ComposeDoc, native: NativeNetwork): string[] {
  const problems: string[] = [];
  const port = chaincodeServerPort(native.dev.portBase, 1);
  const servers = Object.entries(doc.services).filter(([name, s]) => publishedPorts(name, s).includes(port));
  if (servers.length !== 1)
    return [`expected one service publishing the chaincode server port ${port}, found ${servers.length}`];
  const [server] = servers[0] ?? [''];
  const tools = Object.entries(doc.services).filter(([, s]) => envOf(s).MALLCHAIN_CHANNEL !== undefined);
  if (tools.length === 0) problems.push('no Fabric tools service (with MALLCHAIN_CHANNEL)');
  for (const [name, s] of tools) {
    const env = envOf(s);
    expectEqual(problems, `${name} MALLCHAIN_CHANNEL`, env.MALLCHAIN_CHANNEL, native.channel);
    expectEqual(problems, `${name} MALLCHAIN_CHAINCODE`, env.MALLCHAIN_CHAINCODE, native.chaincodeName);
    expectEqual(problems, `${name} MALLCHAIN_CHAINCODE_ADDRESS`, env.MALLCHAIN_CHAINCODE_ADDRESS, `${server}:${port}`);
    expectEqual(problems, `${name} MALLCHAIN_PORT_BASE`, Number(env.MALLCHAIN_PORT_BASE), native.dev.portBase);
  }
  return problems;
}

const NODE_NAME = /^(orderer\d+|peer\d+)\./;

/**
 * Differences between the compose file and the native topology: services, host names, MSP
 * IDs, ports, channel and chaincode names. An empty list means they are in step.
 */
export function topologyProblems(doc: ComposeDoc, native: NativeNetwork): string[] {
  const problems: string[] = [];
  const devHosts = new Set(native.dev.orderers.map((o) => o.host));
  for (const o of native.ha.orderers) problems.push(...ordererProblems(doc, o, devHosts.has(o.host)));
  native.dev.malls.forEach((m, i) => {
    problems.push(...peerProblems(doc, m), ...middlewareProblems(doc, m, i, native));
  });
  problems.push(...chaincodeProblems(doc, native));
  const expected = new Set([...native.ha.orderers.map((o) => o.host), ...native.dev.malls.map((m) => m.peer.host)]);
  for (const name of Object.keys(doc.services)) {
    if (NODE_NAME.test(name) && !expected.has(name))
      problems.push(`service ${name} is not a node of the native network`);
  }
  const dev = activeServices(doc).filter((n) => NODE_NAME.test(n));
  expectEqual(
    problems,
    'Fabric nodes in the dev profile',
    dev.sort(),
    [...native.dev.orderers.map((o) => o.host), ...native.dev.malls.map((m) => m.peer.host)].sort(),
  );
  return problems;
}
