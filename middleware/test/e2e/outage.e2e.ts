/**
 * Mall B's peer is stopped for 20 minutes (E2E_OUTAGE_MS to change it) while a till keeps pushing notes to Mall A's
 * middleware, on a network of the test's own. With the majority policy of two malls nothing can commit meanwhile:
 * intake must go on answering, and no item may become terminal because the ledger is away — an outage longer than
 * any timeout or back-off. After the peer returns, every stored item is committed exactly once, counted through
 * Mall B's own peer, and each has exactly one `intake.committed` event.
 */
import type { Network } from '../../../fabric-network/src/network';
import type { LedgerPort } from '../../src/ledger/ledger.port';
import { uniqueId } from '../ledger/network';
import { killHard, type ChildApp } from '../support/child-app';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { allSettled, checkExactlyOnce } from './support/exactly-once';
import { Feeder } from './support/feeder';
import { IntakeDb } from './support/intake-db';
import { openChecker, putNote } from './support/ledger-check';
import { killNode, startOwnNetwork } from './support/own-network';
import { startRealChild } from './support/real-app';
import { realEnv } from './support/real-env';

const OUTAGE_MS = Number(process.env.E2E_OUTAGE_MS ?? 20 * 60_000);
const PEER_B = 'peer0.mall-b.example.com';
const KEY = `mck_e2e_outage_${Math.random().toString(36).slice(2)}`;
const SAMPLE_MS = 15_000;

describe(`Mall B's peer stopped for ${Math.round(OUTAGE_MS / 60_000)} minutes while items keep arriving (own network)`, () => {
  const progress: string[] = [];
  let network: Network | undefined;
  let database: TestDatabase | undefined;
  let db: IntakeDb | undefined;
  let child: ChildApp | undefined;
  let viaB: LedgerPort | undefined;
  let feeder: Feeder | undefined;

  beforeAll(async () => {
    network = await startOwnNetwork(progress);
    database = await createTestDatabase();
    child = await startRealChild(realEnv(network.paths.description, database.url));
    db = await IntakeDb.open(database.url);
    await db.insertKey('MallAMSP', KEY);
    viaB = await openChecker(network.paths.description, 'MallBMSP');
  }, 900_000);

  afterAll(async () => {
    await feeder?.stop();
    if (child) await killHard(child);
    viaB?.close();
    await db?.close();
    await database?.drop();
    await network?.down(true);
  }, 120_000);

  it(
    'keeps accepting, lets nothing die, and commits every item exactly once after the peer returns',
    async () => {
      const net = network!;
      const start = await putNote(viaB!, uniqueId('outage-start'), 'before the outage');
      feeder = new Feeder({
        bases: () => [child!.base],
        key: KEY,
        everyMs: 1000,
        batchEvery: 10,
        batchSize: 20,
        prefix: 'outage',
      });
      feeder.start();
      await sleep(10_000);

      await killNode(net, PEER_B);
      const deadSeen: Record<string, number>[] = [];
      const until = Date.now() + OUTAGE_MS;
      let counts: Record<string, number> = {};
      while (Date.now() < until) {
        await sleep(Math.min(SAMPLE_MS, Math.max(0, until - Date.now())));
        counts = await db!.statusCounts();
        if ((counts.dead ?? 0) > 0) deadSeen.push(counts);
      }
      // Nothing could commit while B was away (both malls must endorse), so items really waited the whole outage.
      expect(counts.pending ?? 0).toBeGreaterThan(0);
      expect(deadSeen).toEqual([]);

      await net.up();
      await sleep(30_000);
      await feeder.stop();
      await feeder.drain(60_000);
      const feed = feeder.report();
      expect(feed.refusals).toEqual([]);
      expect([...feed.unanswered]).toEqual([]);

      const rows = await allSettled(db!, 15 * 60_000);
      const result = await checkExactlyOnce(db!, rows, feed, viaB!, start.blockNumber);
      expect(result.lost).toEqual([]);
      expect(result.notOnce).toEqual([]);
      expect(result.badEvents).toEqual([]);
      expect(result.stored).toBeGreaterThanOrEqual(feed.acknowledged.size);
      expect(feed.acknowledged.size).toBeGreaterThan(OUTAGE_MS / 1000);
    },
    OUTAGE_MS + 30 * 60_000,
  );
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
