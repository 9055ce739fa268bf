/**
 * The separate-hosts layout as data (no I/O): one network namespace per organisation, its addresses, and the
 * routes of every namespace's fault proxy. See docs/topologies.md.
 */
import { chaincodeServerPort, mallIndex, type Topology } from '../topology';
import type { Route } from './fault-proxy';

/** Every name this topology gives a namespace or link starts with this (the start-up sweep removes them). */
export const PREFIX = 'mcf-';
export const BRIDGE = `${PREFIX}br`;
export const POSTGRES_PORT = 5432;
/** Chaincode server ports reachable from the operator host (sequences 1…10). */
const CHAINCODE_SEQUENCES = 10;

export interface HostOrg {
  /** `ord`, `a`, `b`, … */
  readonly key: string;
  /** Organisation name: OrdererOrg, MallA, … */
  readonly org: string;
  readonly ns: string;
  /** Root side of the inter-organisation veth (on the bridge); the namespace side is `eth0`. */
  readonly link: string;
  /** Root side of the management veth; the namespace side is `mgmt0`. */
  readonly mgmt: string;
  /** Address on the bridge (10.77.0.0/24). */
  readonly address: string;
  /** Management link: root side and namespace side of a /30. */
  readonly mgmtRoot: string;
  readonly mgmtNs: string;
  /** Ports the organisation's processes listen on. */
  readonly ports: readonly number[];
}

export interface HostsPlan {
  readonly orgs: readonly HostOrg[];
  /** Ports of each mall's own chaincode servers (one per sequence), by the mall's `key`: a server runs in its
   *  mall's namespace, where its peer dials it. */
  readonly chaincodePorts: readonly { readonly key: string; readonly port: number }[];
}

/** Middleware port of mall number `index` (as in the README: base + 300 + 10n). */
export function middlewarePort(portBase: number, index: number): number {
  return portBase + 300 + 10 * index;
}

export function hostsPlan(t: Topology): HostsPlan {
  const orgs: HostOrg[] = [];
  const make = (key: string, org: string, n: number, ports: number[]): HostOrg => ({
    key,
    org,
    ns: `${PREFIX}${key}`,
    link: `${PREFIX}${key}-l`,
    mgmt: `${PREFIX}${key}-m`,
    address: `10.77.0.${10 + n}`,
    mgmtRoot: `10.77.${n + 1}.1`,
    mgmtNs: `10.77.${n + 1}.2`,
    ports,
  });
  orgs.push(
    make(
      'ord',
      'OrdererOrg',
      0,
      t.orderers.flatMap((o) => [o.port, o.adminPort, o.operationsPort]),
    ),
  );
  t.malls.forEach((m, i) => {
    const p = m.peer;
    orgs.push(
      make(m.name.slice(4).toLowerCase(), m.name, i + 1, [
        p.port,
        p.chaincodePort,
        p.operationsPort,
        middlewarePort(t.portBase, i),
      ]),
    );
  });
  const chaincodePorts = t.malls.flatMap((m) =>
    Array.from({ length: CHAINCODE_SEQUENCES }, (_, i) => ({
      key: m.name.slice(4).toLowerCase(),
      port: chaincodeServerPort(t.portBase, i + 1, mallIndex(m)),
    })),
  );
  return { orgs, chaincodePorts };
}

const loop = (port: number): { host: string; port: number } => ({ host: '127.0.0.1', port });

/** Routes of the proxy inside `self`'s namespace: other organisations over the bridge, Postgres over its own link. */
export function namespaceRoutes(plan: HostsPlan, self: HostOrg): Route[] {
  const routes: Route[] = [];
  for (const other of plan.orgs) {
    if (other.key === self.key) continue;
    for (const port of other.ports)
      routes.push({ listen: loop(port), target: { host: other.address, port }, faulty: true });
  }
  routes.push({
    listen: loop(POSTGRES_PORT),
    target: { host: self.mgmtRoot, port: POSTGRES_PORT },
    faulty: false,
  });
  return routes;
}

/**
 * Routes of the operator host's proxy: every node's port over that organisation's management link, the chaincode
 * server ports to their own mall, and Postgres for each management link.
 */
export function rootRoutes(plan: HostsPlan): Route[] {
  const routes: Route[] = [];
  for (const o of plan.orgs) {
    for (const port of o.ports) routes.push({ listen: loop(port), target: { host: o.mgmtNs, port }, faulty: false });
    routes.push({
      listen: { host: o.mgmtRoot, port: POSTGRES_PORT },
      target: loop(POSTGRES_PORT),
      faulty: false,
    });
  }
  for (const { key, port } of plan.chaincodePorts) {
    const mall = plan.orgs.find((o) => o.key === key);
    if (mall) routes.push({ listen: loop(port), target: { host: mall.mgmtNs, port }, faulty: false });
  }
  return routes;
}

/** The organisation a process belongs to, by its process name (`orderer0.…`, `peer0.mall-b.…`), if any. */
export function orgOfProcess(plan: HostsPlan, name: string): HostOrg | undefined {
  if (/^orderer\d+\./.test(name)) return plan.orgs.find((o) => o.key === 'ord');
  const m = /^peer\d+\.mall-([a-z])\./.exec(name);
  return m ? plan.orgs.find((o) => o.key === m[1]) : undefined;
}

/** The mall namespaces (every one runs its own chaincode server). */
export function mallOrgs(plan: HostsPlan): HostOrg[] {
  return plan.orgs.filter((o) => o.key !== 'ord');
}
