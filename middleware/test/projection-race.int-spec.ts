/**
 * Two projectors (two middleware instances of one mall) applying the same events at once, on the real Postgres:
 * every event is applied and logged once. Projecting transactions take the projection lock first and so run one
 * after the other; without it, the event-log insert (under the event-log lock) still lets only one apply an event.
 */
import { Client } from 'pg';
import type { LedgerEvent } from '../src/ledger/ledger.port';
import { inTransaction } from '../src/database/transaction';
import { parseChanges } from '../src/projection/payload';
import { type Parsed, ProjectionWrites } from '../src/projection/projection-writes';
import { ProjectionService } from '../src/projection/projection.service';
import { ProjectorRegistry } from '../src/projection/projector-registry';
import { Projector } from '../src/projection/projector';
import { FakeLedger } from './support/fake-ledger';
import { startTestApp, type TestApp } from './support/test-app';

describe('projection: two writers racing on the same events', () => {
  let t: TestApp;
  let events: LedgerEvent[];

  beforeAll(async () => {
    t = await startTestApp({}, new FakeLedger());
    await t.app.get(ProjectionService).stop();
    for (let i = 0; i < 20; i++)
      await t.ledger.submit('info:PutNote', [JSON.stringify({ id: `r-${i}`, text: `v${i}` })]);
    events = [];
    const ac = new AbortController();
    const last = t.ledger.txs.at(-1)!.txId;
    await t.ledger.chaincodeEvents(
      0n,
      (e) => {
        events.push(e);
        if (e.txId === last) ac.abort();
        return Promise.resolve();
      },
      ac.signal,
    );
  });
  afterAll(() => t.close());

  const logged = async (): Promise<{ tx_id: string; n: number }[]> =>
    t.db.query(`SELECT tx_id, count(*)::int AS n FROM events WHERE type = 'ledger.changes' GROUP BY tx_id`);

  /** Runs a promise to its outcome without letting it reject. */
  const settle = <T>(p: Promise<T>): Promise<{ ok: true; r: T } | { ok: false; e: unknown }> =>
    p.then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );

  /** Holds the event-log lock from a third session while `work` runs. */
  async function holdingEventLog<T>(work: (holder: Client) => Promise<T>): Promise<T> {
    const holder = new Client({ connectionString: t.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(7301)');
      return await work(holder);
    } finally {
      await holder.end();
    }
  }

  const waitingOn = async (holder: Client, key: number): Promise<number> =>
    (
      await holder.query<{ n: number }>(
        // pg_locks is the whole server's: only this suite's database counts (other suites take the same locks).
        `SELECT count(*)::int AS n FROM pg_locks
         WHERE locktype = 'advisory' AND objid = $1 AND NOT granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [key],
      )
    ).rows[0]!.n;

  it('two projectors on the same events: the second waits for the first (projection lock), then applies nothing', async () => {
    const registry = t.app.get(ProjectorRegistry);
    const one = new Projector(t.db, registry);
    const two = new Projector(t.db, registry);
    const outcomes = await holdingEventLog(async (holder) => {
      const racing = [settle(one.apply(events)), settle(two.apply(events))];
      // One is through its typed writes and waits for the event-log lock; the other waits for the projection lock.
      await new Promise((r) => setTimeout(r, 1500));
      expect([await waitingOn(holder, 7301), await waitingOn(holder, 7302)]).toEqual([1, 1]);
      expect(await logged()).toEqual([]);
      await holder.query('SELECT pg_advisory_unlock(7301)');
      return Promise.all(racing);
    });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const results = outcomes.map((o) => (o.ok ? o.r.events : -1)).sort((x, y) => x - y);
    expect(results).toEqual([0, 20]);
    const rows = await logged();
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM projection_quarantine`)).toEqual([{ n: 0 }]);
    const notes = await t.db.query<{ id: string; text: string }[]>(`SELECT id, text FROM notes ORDER BY id`);
    expect(notes).toHaveLength(20);
    expect(notes.find((n) => n.id === 'r-7')).toMatchObject({ text: 'v7' });
  });

  it('writers that skip the projection lock still apply an event once: the event-log insert decides', async () => {
    await t.ledger.submit('info:PutNote', [JSON.stringify({ id: 'race', text: 'once' })]);
    const tx = t.ledger.txs.at(-1)!;
    const mine: LedgerEvent[] = [];
    const ac = new AbortController();
    await t.ledger.chaincodeEvents(
      t.ledger.height,
      (e) => {
        if (e.txId === tx.txId) {
          mine.push(e);
          ac.abort();
        }
        return Promise.resolve();
      },
      ac.signal,
    );
    const parsed: Parsed[] = mine.map((event) => ({ event, payload: parseChanges(event.payload) }));
    const writes = new ProjectionWrites(t.app.get(ProjectorRegistry));
    const outcomes = await holdingEventLog(async (holder) => {
      const racing = [1, 2].map(() => settle(inTransaction(t.db, (qr) => writes.apply(qr, '"public"', parsed))));
      await new Promise((r) => setTimeout(r, 1500));
      expect(await waitingOn(holder, 7301)).toBeGreaterThanOrEqual(1);
      await holder.query('SELECT pg_advisory_unlock(7301)');
      return Promise.all(racing);
    });
    // The event-log insert decides: the first to log applies, the other finds the event logged and applies nothing.
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.map((o) => (o.ok ? o.r.length : -1)).sort()).toEqual([0, 1]);
    expect((await logged()).filter((r) => r.tx_id === tx.txId)).toEqual([{ tx_id: tx.txId, n: 1 }]);
    expect(await t.db.query(`SELECT text FROM notes WHERE id = 'race'`)).toEqual([{ text: 'once' }]);
  });

  it('an event delivered twice in one batch is applied and logged once', async () => {
    await t.ledger.submit('info:PutNote', [JSON.stringify({ id: 'dup', text: 'once' })]);
    const last = t.ledger.txs.at(-1)!;
    const ac = new AbortController();
    const fresh: LedgerEvent[] = [];
    await t.ledger.chaincodeEvents(
      t.ledger.height,
      (e) => {
        fresh.push(e);
        if (e.txId === last.txId) ac.abort();
        return Promise.resolve();
      },
      ac.signal,
    );
    const dup = fresh.filter((e) => e.txId === last.txId);
    expect(dup).toHaveLength(1);
    const p = new Projector(t.db, t.app.get(ProjectorRegistry));
    expect(await p.apply([dup[0]!, dup[0]!])).toMatchObject({ applied: true, events: 1, changes: 1 });
    expect((await logged()).filter((r) => r.tx_id === last.txId)).toEqual([{ tx_id: last.txId, n: 1 }]);
  });
});
