import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network } from '../../../../fabric-network/src/network';
import { isAlive, portIsFree } from '../../../../fabric-network/src/processes';
import { networkSettings } from '../../../../fabric-network/src/settings';

/** First base whose whole port range (base+50 … base+299: orderers, peers, every mall's chaincode servers) is free on 127.0.0.1. */
async function freePortBase(candidates: readonly number[]): Promise<number> {
  for (const base of candidates) {
    let free = true;
    for (let p = base + 50; p <= base + 299 && free; p++) free = await portIsFree(p);
    if (free) return base;
  }
  throw new Error(`no free port range among bases ${candidates.join(', ')}`);
}

/**
 * A network of this test's own (temporary home, its own port base), so that stopping one of its peers never
 * disturbs the shared dev network. `down(true)` stops it and deletes its data.
 */
export async function startOwnNetwork(progress: string[]): Promise<Network> {
  const home = mkdtempSync(join(tmpdir(), 'mw-e2e-network-'));
  const portBase = await freePortBase([27000, 27300, 27600, 28000, 28300]);
  const network = new Network(networkSettings({ home, portBase }), (m) => progress.push(m));
  await network.up();
  return network;
}

/** kill -9 of a node of `network` (e.g. `peer0.mall-a.example.com`) through its pid file; waits until it is gone. */
export async function killNode(network: Network, host: string): Promise<number> {
  const pid = Number(readFileSync(network.paths.pid(host), 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  const until = Date.now() + 10_000;
  while (isAlive(pid)) {
    if (Date.now() > until) throw new Error(`${host} (pid ${pid}) still alive after SIGKILL`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return pid;
}
