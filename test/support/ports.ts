import { portIsFree } from '../../fabric-network/src/processes';

/** Port bases of the admin suite's own network (each suite has its own list, so suites never race for one). */
export const ADMIN_PORT_BASES = [17000, 17300, 17600, 19000] as const;
/** Port bases of the admin governance suite's own network. */
export const GOVERNANCE_PORT_BASES = [21000, 21300, 21600, 22000] as const;

/**
 * First base from `candidates` whose whole range (base+50 … base+299: orderers, peers, every mall's chaincode servers) is free on 127.0.0.1,
 * so that a test's own network never collides with the dev network or another test's.
 */
export async function freePortBase(candidates: readonly number[]): Promise<number> {
  for (const base of candidates) {
    let free = true;
    for (let p = base + 50; p <= base + 299 && free; p++) free = await portIsFree(p);
    if (free) return base;
  }
  throw new Error(`no free port range among bases ${candidates.join(', ')}`);
}
