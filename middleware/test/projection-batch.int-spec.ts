import type { LedgerEvent } from '../src/ledger/ledger.port';
import { EventBatcher } from '../src/projection/event-batcher';
import { ProjectionService } from '../src/projection/projection.service';
import { RebuildService } from '../src/projection/rebuild.service';
import { FakeLedger } from './support/fake-ledger';
import { eventually, startTestApp, type TestApp } from './support/test-app';

const put = (ledger: FakeLedger, id: string, text: string): Promise<unknown> =>
  ledger.submit('info:PutNote', [JSON.stringify({ id, text })]);

describe('projection in batches', () => {
  let t: TestApp;
  let projection: ProjectionService;
  const calls: number[] = [];

  beforeAll(async () => {
    t = await startTestApp({}, new FakeLedger());
    projection = t.app.get(ProjectionService);
    const original = projection.projector.apply.bind(projection.projector);
    projection.projector.apply = (events, schema, name) => {
      calls.push(Array.isArray(events) ? events.length : 1);
      return original(events, schema, name);
    };
  });
  afterAll(() => t.close());

  const count = async (sql: string): Promise<number> => (await t.db.query<{ n: number }[]>(sql))[0]!.n;

  it('catches up on a backlog with many events per transaction, in ledger order', async () => {
    await projection.stop();
    for (let i = 0; i < 1200; i++) await put(t.ledger, `b-${i}`, `v${i}`);
    calls.length = 0;
    projection.start();
    await eventually(async () => ((await count('SELECT count(*)::int AS n FROM notes')) === 1200 ? true : undefined));
    expect(calls.reduce((a, b) => a + b, 0)).toBe(1200);
    expect(calls.length).toBeLessThanOrEqual(6);
    expect(Math.max(...calls)).toBe(500);
    const cp = await projection.checkpoint();
    expect(cp).toEqual({ blockNumber: t.ledger.height, txId: t.ledger.txs.at(-1)!.txId });
    const order = await t.db.query<{ b: string }[]>(
      `SELECT block_number::text AS b FROM events WHERE type = 'ledger.changes' ORDER BY seq`,
    );
    expect(order.map((r) => Number(r.b))).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(await count(`SELECT count(*)::int AS n FROM ledger_state WHERE entity = 'note'`)).toBe(1200);
  });

  it('leaves a key at its last change when a batch changes it twice', async () => {
    await projection.stop();
    await put(t.ledger, 'twice', 'first');
    await put(t.ledger, 'twice', 'second');
    projection.start();
    await eventually(async () =>
      (await projection.checkpoint())?.txId === t.ledger.txs.at(-1)!.txId ? true : undefined,
    );
    const [note] = await t.db.query<{ text: string; tx_id: string }[]>(
      `SELECT text, tx_id FROM notes WHERE id = 'twice'`,
    );
    expect(note).toEqual({ text: 'second', tx_id: t.ledger.txs.at(-1)!.txId });
    const [state] = await t.db.query<{ text: string }[]>(
      `SELECT data->>'text' AS text FROM ledger_state WHERE id = 'note/twice'`,
    );
    expect(state).toEqual({ text: 'second' });
  });

  it('applies a batch mixing re-delivered and new events once: only the new ones change anything', async () => {
    await projection.stop();
    await put(t.ledger, 'mixed-new', 'n');
    const all: LedgerEvent[] = [];
    const abort = new AbortController();
    const last = t.ledger.txs.at(-1)!.txId;
    await t.ledger.chaincodeEvents(
      t.ledger.height - 5n,
      (e) => {
        all.push(e);
        if (e.txId === last) abort.abort();
        return Promise.resolve();
      },
      abort.signal,
    );
    const before = await count(`SELECT count(*)::int AS n FROM events WHERE type = 'ledger.changes'`);
    const result = await projection.projector.apply(all);
    expect(result).toEqual({ applied: true, changes: 1, events: 1, quarantined: 0 });
    expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'ledger.changes'`)).toBe(before + 1);
    expect(await projection.projector.apply(all)).toEqual({ applied: false, changes: 0, events: 0, quarantined: 0 });
    projection.start();
  });

  it('a failing batch writes nothing of it; the restart applies every event exactly once', async () => {
    await projection.stop();
    for (let i = 0; i < 50; i++) await put(t.ledger, `f-${i}`, 'x');
    const cpBefore = await projection.checkpoint();
    const notesBefore = await count('SELECT count(*)::int AS n FROM notes');
    const original = projection.projector.apply.bind(projection.projector);
    const eventsBefore = await count(`SELECT count(*)::int AS n FROM events`);
    const stateBefore = await count(`SELECT count(*)::int AS n FROM ledger_state`);
    // The database connection dies while the typed table is written, after the event log and ledger_state were
    // written in the same transaction (a poison event would be quarantined instead; this is the database failing).
    await t.db.query(`CREATE SEQUENCE notes_crash_once`);
    await t.db.query(`CREATE FUNCTION notes_crash() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('notes_crash_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; RETURN NULL; END $$`);
    await t.db.query(
      `CREATE TRIGGER notes_crash AFTER INSERT ON notes FOR EACH STATEMENT EXECUTE FUNCTION notes_crash()`,
    );
    let failures = 0;
    projection.projector.apply = async (events, schema, name) => {
      const list: readonly LedgerEvent[] = Array.isArray(events)
        ? (events as readonly LedgerEvent[])
        : [events as LedgerEvent];
      if (failures > 0) return original(list, schema, name);
      failures++;
      expect(list.length).toBeGreaterThan(1);
      await expect(original(list, schema, name)).rejects.toThrow();
      expect(await projection.checkpoint()).toEqual(cpBefore);
      expect(await count('SELECT count(*)::int AS n FROM notes')).toBe(notesBefore);
      expect(await count(`SELECT count(*)::int AS n FROM events`)).toBe(eventsBefore);
      expect(await count(`SELECT count(*)::int AS n FROM ledger_state`)).toBe(stateBefore);
      expect(await count(`SELECT count(*)::int AS n FROM projection_quarantine`)).toBe(0);
      throw new Error('database hiccup');
    };
    projection.start();
    await eventually(async () =>
      (await projection.checkpoint())?.txId === t.ledger.txs.at(-1)!.txId ? true : undefined,
    );
    expect(failures).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM notes')).toBe(notesBefore + 50);
    expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'ledger.changes'`)).toBe(
      t.ledger.txs.length,
    );
    projection.projector.apply = original;
    await t.db.query(`DROP TRIGGER notes_crash ON notes`);
  });

  it('rebuild (batched replay) finds the same read model', async () => {
    const report = await t.app.get(RebuildService).rebuild();
    expect(report.eventsReplayed).toBe(t.ledger.txs.length);
    expect(report.equal).toBe(true);
  });
});

describe('EventBatcher', () => {
  const ev = (n: number): LedgerEvent => ({
    blockNumber: BigInt(n),
    txId: `tx${n}`,
    eventName: 'x',
    payload: new Uint8Array(),
  });

  it('writes what arrived in one turn as one batch, and a full batch at once', async () => {
    const batches: number[][] = [];
    const b = new EventBatcher(
      (events) => {
        batches.push(events.map((e) => Number(e.blockNumber)));
        return Promise.resolve();
      },
      3,
      () => undefined,
    );
    for (let i = 1; i <= 5; i++) await b.push(ev(i));
    await new Promise((r) => setImmediate(r));
    await b.flush();
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('after a failed write refuses further events and reports the failure once', async () => {
    const failures: unknown[] = [];
    const b = new EventBatcher(
      () => Promise.reject(new Error('db down')),
      10,
      (e) => failures.push(e),
    );
    await b.push(ev(1));
    await expect(b.flush()).rejects.toThrow('db down');
    expect(b.failed).toBe(true);
    await expect(b.push(ev(2))).rejects.toThrow('db down');
    expect(failures).toHaveLength(1);
  });
});
