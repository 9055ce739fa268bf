import { readFile } from 'node:fs/promises';

/**
 * The parts of fabric-network's `network.json` the ledger client reads (see fabric-network/src/description.ts).
 * Declared here rather than imported so the middleware does not build against fabric-network.
 */
export interface NetworkFile {
  readonly channel: string;
  readonly chaincode: { readonly name: string } | null;
  readonly orderers: readonly NodeEntry[];
  readonly orgs: Readonly<Record<string, OrgEntry>>;
}

export interface NodeEntry {
  readonly name: string;
  readonly host: string;
  readonly address: string;
  readonly tlsCACert: string;
}

export interface OrgEntry {
  readonly mspId: string;
  readonly peers: readonly NodeEntry[];
  readonly users: { readonly admin: string; readonly client: string };
}

/** A peer (or orderer) to dial: literal 127.0.0.1 address plus the TLS host name its certificate carries. */
export interface PeerEndpointConfig {
  readonly address: string;
  readonly hostOverride: string;
  readonly tlsCACertPath: string;
}

/** Everything a ledger driver needs to connect as one identity of one mall org. */
export interface LedgerConnection {
  readonly channel: string;
  readonly chaincode: string;
  readonly mspId: string;
  readonly mspDir: string;
  /** Preferred peer first; the others are failover targets of the same org. */
  readonly peers: readonly PeerEndpointConfig[];
  readonly orderers: readonly PeerEndpointConfig[];
  /** Every peer of every org on the channel: the legacy SDK without discovery must name endorsers itself. */
  readonly channelPeers: readonly (PeerEndpointConfig & { readonly mspId: string })[];
}

export class NetworkFileError extends Error {
  override name = 'NetworkFileError';
}

function node(e: NodeEntry): PeerEndpointConfig {
  return { address: e.address, hostOverride: e.host, tlsCACertPath: e.tlsCACert };
}

function assertShape(d: Partial<NetworkFile>, path: string): asserts d is NetworkFile {
  for (const key of ['channel', 'orderers', 'orgs'] as const) {
    if ((d[key] as unknown) == null) throw new NetworkFileError(`${path}: missing '${key}'`);
  }
}

export interface SelectOptions {
  readonly mspId: string;
  /** Which user of the org: `client` (default) or `admin`. */
  readonly user?: 'client' | 'admin';
  /** Put the peer with this address (host:port) first. */
  readonly preferredPeer?: string;
  /** Overrides for channel / chaincode (default: the file's). */
  readonly channel?: string;
  readonly chaincode?: string;
}

/** Read `network.json` and pick the connection for one org. Errors name the file and what is missing. */
export async function loadLedgerConnection(path: string, select: SelectOptions): Promise<LedgerConnection> {
  let parsed: Partial<NetworkFile>;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<NetworkFile>;
  } catch (cause) {
    throw new NetworkFileError(`cannot read network description ${path}: ${(cause as Error).message}`, { cause });
  }
  assertShape(parsed, path);
  return selectConnection(parsed, select, path);
}

/** Preferred peer first (matched by 127.0.0.1 address or by host:port), the rest in file order. */
function orderPeers(peers: PeerEndpointConfig[], preferred: string | undefined, where: string): PeerEndpointConfig[] {
  if (preferred === undefined) return peers;
  const port = (p: PeerEndpointConfig): string => p.address.slice(p.address.lastIndexOf(':') + 1);
  const first = peers.filter((p) => p.address === preferred || `${p.hostOverride}:${port(p)}` === preferred);
  if (first.length === 0) {
    throw new NetworkFileError(`${where} has no peer ${preferred} (has ${peers.map((p) => p.address).join(', ')})`);
  }
  return [...first, ...peers.filter((p) => !first.includes(p))];
}

export function selectConnection(
  d: NetworkFile,
  select: SelectOptions,
  path = 'network description',
): LedgerConnection {
  const org = d.orgs[select.mspId];
  if (org === undefined) {
    throw new NetworkFileError(`${path}: no org '${select.mspId}' (has ${Object.keys(d.orgs).join(', ') || 'none'})`);
  }
  const chaincode = select.chaincode ?? d.chaincode?.name;
  if (chaincode === undefined) throw new NetworkFileError(`${path}: no chaincode deployed and none configured`);
  const peers = orderPeers(org.peers.map(node), select.preferredPeer, `${path}: org ${select.mspId}`);
  if (peers.length === 0) throw new NetworkFileError(`${path}: org ${select.mspId} lists no peers`);
  return {
    channel: select.channel ?? d.channel,
    chaincode,
    mspId: org.mspId,
    mspDir: org.users[select.user ?? 'client'],
    peers,
    orderers: d.orderers.map(node),
    channelPeers: Object.values(d.orgs).flatMap((o) => o.peers.map((p) => ({ ...node(p), mspId: o.mspId }))),
  };
}
