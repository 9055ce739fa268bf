/**
 * The network's shape: organisations, nodes and their ports, all on 127.0.0.1. Every port is
 * an offset from one base so that two networks can run side by side (`MALLCHAIN_PORT_BASE`).
 */
export type Profile = 'dev' | 'ha' | 'bft';

/** Orderers per profile: one Raft node, three Raft nodes, or four SmartBFT nodes (tolerates f = 1 faulty). */
export const ORDERER_COUNT: Readonly<Record<Profile, number>> = { dev: 1, ha: 3, bft: 4 };

export const PROFILES = Object.keys(ORDERER_COUNT) as readonly Profile[];

export interface OrdererNode {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly adminPort: number;
  readonly operationsPort: number;
}

export interface MallOrg {
  /** Short name, e.g. `MallA`. */
  readonly name: string;
  readonly mspId: string;
  readonly domain: string;
  readonly peer: PeerNode;
}

export interface PeerNode {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly chaincodePort: number;
  readonly operationsPort: number;
}

export interface Topology {
  readonly profile: Profile;
  readonly portBase: number;
  readonly ordererOrg: { readonly name: 'OrdererOrg'; readonly mspId: 'OrdererMSP'; readonly domain: string };
  readonly orderers: readonly OrdererNode[];
  readonly malls: readonly MallOrg[];
}

export const ORDERER_DOMAIN = 'mallchain.example.com';

/** Letters of the malls a network may hold: MallA, MallB at start; MallC... added later. */
export const MALL_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

export function mallOrg(letter: string, index: number, portBase: number): MallOrg {
  const slug = `mall-${letter.toLowerCase()}`;
  const domain = `${slug}.example.com`;
  const base = portBase + 100 + index * 10;
  return {
    name: `Mall${letter}`,
    mspId: `Mall${letter}MSP`,
    domain,
    peer: { name: 'peer0', host: `peer0.${domain}`, port: base + 1, chaincodePort: base + 2, operationsPort: base + 3 },
  };
}

export function topology(profile: Profile, portBase: number, mallCount = 2): Topology {
  const ordererCount = ORDERER_COUNT[profile];
  const orderers = Array.from({ length: ordererCount }, (_, i) => ({
    name: `orderer${i}`,
    host: `orderer${i}.${ORDERER_DOMAIN}`,
    port: portBase + 50 + i,
    adminPort: portBase + 60 + i,
    operationsPort: portBase + 70 + i,
  }));
  const malls = MALL_LETTERS.slice(0, mallCount).map((letter, i) => mallOrg(letter, i, portBase));
  return {
    profile,
    portBase,
    ordererOrg: { name: 'OrdererOrg', mspId: 'OrdererMSP', domain: ORDERER_DOMAIN },
    orderers,
    malls,
  };
}

/** Sequences a mall's chaincode servers cycle through before a port is reused. */
export const CHAINCODE_PORTS_PER_MALL = 16;

/** Position of a mall in {@link MALL_LETTERS} (MallA 0, MallB 1, ...): where its ports sit. */
export function mallIndex(m: Pick<MallOrg, 'name'>): number {
  const i = MALL_LETTERS.indexOf(m.name.replace(/^Mall/, '') as never);
  if (i < 0)
    throw new Error(`${m.name} is not a mall of this tooling (${MALL_LETTERS.map((l) => `Mall${l}`).join(', ')})`);
  return i;
}

/**
 * Port of a mall's chaincode-as-a-service process for a given lifecycle sequence. Every mall
 * runs its own server, dialled only by its own peer (as in a real consortium); each sequence
 * gets a new port so that blue/green upgrades overlap. Mall i uses base+200+16i … base+215+16i.
 */
export function chaincodeServerPort(portBase: number, sequence: number, mall = 0): number {
  return portBase + 200 + mall * CHAINCODE_PORTS_PER_MALL + ((sequence - 1) % CHAINCODE_PORTS_PER_MALL);
}

/** Every port the network itself listens on (not the chaincode server), with an owner name. */
export function listeningPorts(t: Topology): { port: number; owner: string }[] {
  const out: { port: number; owner: string }[] = [];
  for (const o of t.orderers) {
    out.push(
      { port: o.port, owner: o.name },
      { port: o.adminPort, owner: `${o.name} admin` },
      { port: o.operationsPort, owner: `${o.name} operations` },
    );
  }
  for (const m of t.malls) {
    const p = m.peer;
    out.push(
      { port: p.port, owner: p.host },
      { port: p.chaincodePort, owner: `${p.host} chaincode` },
      { port: p.operationsPort, owner: `${p.host} operations` },
    );
  }
  return out;
}
