/**
 * After a peer restarts, gateways must get a transaction endorsed by every mall again within seconds, through the
 * restarted peer and through the other mall's peer. Fabric's gossip: a restarted peer's first probe of the other
 * mall's anchor peer races its own channel initialisation ("Could not acquire policy manager for channel") and
 * fails; if the other peer has meanwhile declared it dead, neither side tries again before the gossip reconnect
 * interval (Fabric's default 25 s), and every endorsement until then ends in "no combination of peers can be
 * derived which satisfy the endorsement policy". The test waits until mall B's peer counts mall A's peer as gone
 * (its gossip membership metric), so the restart always meets that case. A network of its own, purged at the end.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network, NetworkDescription, networkSettings } from '../../fabric-network/src';
import { isAlive } from '../../fabric-network/src/processes';
import { connectAsClient, loadDescription } from '../support/gateway';
import { freePortBase } from '../support/ports';

const PEER_A = 'peer0.mall-a.example.com';
const PEER_B = 'peer0.mall-b.example.com';
/** Long enough for the restarted peer's first probe (2 s connection timeout) to fail against the frozen one. */
const FROZEN_MS = 4_000;
/** Far below the old ~25 s gap, with room for a loaded 2-core machine. */
const WITHIN_MS = 12_000;

/** Peers `m`'s peer knows on the channel, from its operations endpoint (gossip_membership_total_peers_known). */
async function peersKnown(d: NetworkDescription, mspId: string): Promise<number | undefined> {
  const operations = d.orgs[mspId]?.peers[0]?.operations;
  try {
    const metrics = await (await fetch(`http://${operations ?? ''}/metrics`)).text();
    const m = new RegExp(`^gossip_membership_total_peers_known\\{channel="${d.channel}"\\} (\\d+)$`, 'm').exec(metrics);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${String(timeoutMs / 1000)}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Gossip's own account of the restart: its failed anchor-peer probes, for the failure message. */
function probeFailures(logFile: string, since: number): string[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => /Deep probe of .* failed|Could not connect to Endpoint/.test(l))
    .filter((l) => {
      const at = /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)/.exec(l);
      return at?.[1] !== undefined && Date.parse(`${at[1].replace(' ', 'T')}Z`) >= since - 1000;
    })
    .map((l) => l.replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), '').slice(0, 200));
}

/** One submit of a note through `mspId`'s own peer on a fresh connection (no client-side reconnect back-off). */
async function endorsedByAllVia(d: NetworkDescription, mspId: string, id: string): Promise<string | undefined> {
  const c = connectAsClient(d, mspId);
  try {
    const contract = c.gateway.getNetwork(d.channel).getContract('mallchain', 'info');
    const submitted = await contract.submitAsync('PutNote', { arguments: [JSON.stringify({ id, text: id })] });
    const status = await submitted.getStatus();
    return status.successful ? undefined : `committed with code ${String(status.code)}`;
  } catch (e) {
    return (e as Error).message.split('\n')[0] ?? 'error';
  } finally {
    c.close();
  }
}

interface Attempt {
  ms: number;
  lastError?: string;
}

/** Milliseconds from `since` until a submit through `mspId` succeeds, and the last error before that. */
async function timeToEndorsement(
  d: NetworkDescription,
  mspId: string,
  since: () => number | undefined,
  limitMs: number,
): Promise<Attempt> {
  let lastError: string | undefined;
  for (let i = 0; ; i++) {
    const start = since();
    if (start !== undefined && Date.now() - start > limitMs) return { ms: Date.now() - start, lastError };
    const error = await endorsedByAllVia(d, mspId, `restart-${mspId}-${String(Date.now())}-${String(i)}`);
    const t0 = since();
    if (error === undefined && t0 !== undefined) return { ms: Date.now() - t0, lastError };
    lastError = error ?? lastError;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('discovery after a peer restart', () => {
  let network: Network;
  let d: NetworkDescription;
  const progress: { at: number; message: string }[] = [];

  beforeAll(async () => {
    const portBase = await freePortBase([51000, 51300, 51600, 52000]);
    const home = mkdtempSync(join(tmpdir(), 'mallchain-restart-e2e-'));
    network = new Network(networkSettings({ home, portBase }), (message) => progress.push({ at: Date.now(), message }));
    await network.up();
    d = loadDescription(home);
  }, 600_000);

  afterAll(async () => {
    await network.down(true);
  }, 120_000);

  /** SIGKILL of mall A's peer; returns once mall B's peer has declared it gone. */
  const killA = async (): Promise<void> => {
    const pid = Number(readFileSync(network.paths.pid(PEER_A), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
    await until(
      "mall B's peer to count mall A's peer as gone",
      async () => (await peersKnown(d, 'MallBMSP')) === 0,
      90_000,
    );
  };

  /**
   * Restarts mall A's peer while mall B's peer is frozen (SIGSTOP) for its first seconds, so that A's first probe of
   * B's anchor peer fails for certain (as the channel-initialisation race makes it fail most of the time); returns
   * how long after B is running again each mall's gateway needs to get a transaction endorsed by both malls.
   */
  const restartA = async (): Promise<{ viaA: Attempt; viaB: Attempt; probes: string[] }> => {
    const pidB = Number(readFileSync(network.paths.pid(PEER_B), 'utf8').trim());
    progress.length = 0;
    process.kill(pidB, 'SIGSTOP');
    let thawedAt: number | undefined;
    try {
      // `up` starts what is not running (and then waits for readiness itself).
      const restarted = network.up();
      await until('the restart of peer A', () => Promise.resolve(startedA() !== undefined), 60_000);
      await new Promise((r) => setTimeout(r, FROZEN_MS));
      process.kill(pidB, 'SIGCONT');
      thawedAt = Date.now();
      const since = (): number | undefined => thawedAt;
      const [viaA, viaB] = await Promise.all([
        timeToEndorsement(d, 'MallAMSP', since, 60_000),
        timeToEndorsement(d, 'MallBMSP', since, 60_000),
      ]);
      await restarted;
      return { viaA, viaB, probes: probeFailures(network.paths.log(PEER_A), startedA() ?? 0) };
    } finally {
      if (thawedAt === undefined) process.kill(pidB, 'SIGCONT');
    }
  };
  const startedA = (): number | undefined => progress.find((p) => p.message.startsWith(`started ${PEER_A} `))?.at;

  it('endorses through both malls within seconds of the restarted peer reaching the other one', async () => {
    expect(await endorsedByAllVia(d, 'MallAMSP', 'before-restart')).toBeUndefined();
    // The membership gauge follows gossip's membership tracker (every few seconds).
    await until("mall B's peer to count mall A's peer", async () => (await peersKnown(d, 'MallBMSP')) === 1, 30_000);
    // Gossip retries on timers; one lucky tick can hide a long interval, three restarts in a row do not.
    for (let round = 1; round <= 3; round++) {
      await killA();
      const { viaA, viaB, probes } = await restartA();
      // The restart met the case under test: the restarted peer's first anchor-peer probe failed.
      expect({ round, probes: probes.length > 0 }).toEqual({ round, probes: true });
      expect({ round, via: 'MallAMSP', within: viaA.ms <= WITHIN_MS, ...viaA }).toEqual({
        round,
        via: 'MallAMSP',
        within: true,
        ms: viaA.ms,
        lastError: viaA.lastError,
      });
      expect({ round, via: 'MallBMSP', within: viaB.ms <= WITHIN_MS, ...viaB }).toEqual({
        round,
        via: 'MallBMSP',
        within: true,
        ms: viaB.ms,
        lastError: viaB.lastError,
      });
    }
  }, 600_000);
});
