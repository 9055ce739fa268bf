/**
 * Two middleware instances of Mall A on one database for 5 minutes (E2E_SOAK_MS to change it) under a steady load
 * of notes pushed to both, while one of them is killed with SIGKILL at random moments and started again. Short
 * leases make the survivor take over the victim's claimed items while their transactions may still be in flight.
 * Afterwards every stored item is on the ledger exactly once (counted through Mall B's peer), every item the tills
 * were told about is stored, and each item has exactly one terminal event.
 */
import type { LedgerPort } from '../../src/ledger/ledger.port';
import { requireNetwork, uniqueId } from '../ledger/network';
import { killHard, type ChildApp } from '../support/child-app';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { allSettled, checkExactlyOnce } from './support/exactly-once';
import { Feeder } from './support/feeder';
import { IntakeDb } from './support/intake-db';
import { openChecker, putNote } from './support/ledger-check';
import { startRealChild } from './support/real-app';
import { realEnv } from './support/real-env';

const SOAK_MS = Number(process.env.E2E_SOAK_MS ?? 5 * 60_000);
const KEY = `mck_e2e_pair_${Math.random().toString(36).slice(2)}`;

describe(`two instances on one database for ${Math.round(SOAK_MS / 60_000)} minutes, one killed at random`, () => {
  let database: TestDatabase | undefined;
  let db: IntakeDb | undefined;
  let viaB: LedgerPort | undefined;
  let feeder: Feeder | undefined;
  let env: Record<string, string>;
  const instances: (ChildApp | undefined)[] = [undefined, undefined];

  beforeAll(async () => {
    const networkFile = requireNetwork();
    database = await createTestDatabase();
    env = realEnv(networkFile, database.url, {
      // Leases shorter than a loaded commit: the other instance claims items whose submit is still in flight.
      extra: { BATCH_SIZE: '50', BATCH_WAIT_MS: '100', BATCH_LEASE_MS: '1500' },
    });
    // One after the other: the first runs the migrations.
    instances[0] = await startRealChild(env);
    instances[1] = await startRealChild(env);
    db = await IntakeDb.open(database.url);
    await db.insertKey('MallAMSP', KEY);
    viaB = await openChecker(networkFile, 'MallBMSP');
  }, 180_000);

  afterAll(async () => {
    await feeder?.stop();
    for (const c of instances) if (c) await killHard(c);
    viaB?.close();
    await db?.close();
    await database?.drop();
  }, 60_000);

  it(
    'commits every item exactly once with one terminal event each',
    async () => {
      const start = await putNote(viaB!, uniqueId('pair-start'), 'before the soak');
      const alive = (): string[] => instances.filter((c): c is ChildApp => c !== undefined).map((c) => c.base);
      feeder = new Feeder({ bases: alive, key: KEY, everyMs: 50, batchEvery: 5, batchSize: 25, prefix: 'pair' });
      feeder.start();

      const kills: string[] = [];
      const until = Date.now() + SOAK_MS;
      while (Date.now() < until) {
        await sleep(3000 + Math.random() * 12_000);
        const victim = Math.random() < 0.5 ? 0 : 1;
        const c = instances[victim];
        if (c === undefined) continue;
        instances[victim] = undefined;
        await killHard(c);
        kills.push(`${new Date().toISOString()} instance ${victim}`);
        await sleep(Math.random() * 3000);
        instances[victim] = await startRealChild(env);
      }
      await feeder.stop();
      await feeder.drain(60_000);
      const feed = feeder.report();
      // A restart takes a while on a loaded machine: about one kill a minute is what the loop manages.
      expect(kills.length).toBeGreaterThanOrEqual(Math.max(1, Math.floor(SOAK_MS / 60_000)));
      expect(feed.refusals).toEqual([]);
      expect([...feed.unanswered]).toEqual([]);

      const rows = await allSettled(db!, 5 * 60_000);
      const result = await checkExactlyOnce(db!, rows, feed, viaB!, start.blockNumber);
      expect(result.lost).toEqual([]);
      expect(result.notOnce).toEqual([]);
      expect(result.badEvents).toEqual([]);
      expect(feed.acknowledged.size).toBeGreaterThan(SOAK_MS / 1000);
    },
    SOAK_MS + 15 * 60_000,
  );
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
