import { ProjectionService } from '../src/projection/projection.service';
import { FakeLedger } from './support/fake-ledger';
import { eventually, startTestApp, type TestApp } from './support/test-app';
import type { VerifyCounts as Counts, VerifyReport as Report } from '../src/projection/verify.service';

const put = (ledger: FakeLedger, id: string, text: string): Promise<unknown> =>
  ledger.submit('info:PutNote', [JSON.stringify({ id, text })]);

interface Rebuild {
  equal: boolean;
  swapped: boolean;
  eventsReplayed: number;
  tables: { table: string; onlyLive: number; onlyRebuilt: number }[];
}

describe('projection verify (read model against the peer) and rebuild --swap', () => {
  let t: TestApp;
  let projection: ProjectionService;
  let ops: string;

  beforeAll(async () => {
    t = await startTestApp({}, new FakeLedger());
    projection = t.app.get(ProjectionService);
    ops = await t.key(['ops:admin']);
    for (let i = 0; i < 30; i++) await put(t.ledger, `v-${i.toString().padStart(2, '0')}`, `text ${i.toString()}`);
    t.ledger.emitRaw(JSON.stringify({ fn: 'X', changes: [{ entity: 'gadget', id: 'gadget/1', op: 'put', data: {} }] }));
    await caughtUp();
  });
  afterAll(() => t.close());

  const caughtUp = (): Promise<true> =>
    eventually(async () => ((await projection.checkpoint())?.txId === t.ledger.txs.at(-1)!.txId ? true : undefined));
  const post = async <T>(url: string, payload: object = {}, status = 200): Promise<T> => {
    const res = await t.app.inject({ method: 'POST', url, headers: { 'x-api-key': ops }, payload });
    expect(res.statusCode).toBe(status);
    return res.json<T>();
  };
  const table = (r: Report, name: string): Counts | undefined => r.tables.find((x) => x.table === name);

  it('finds a read model equal to the world state', async () => {
    const r = await post<Report>('/v1/admin/projection/verify');
    expect(r.equal).toBe(true);
    expect(r.keysChecked).toBe(30);
    expect(table(r, 'ledger_state')).toEqual({ table: 'ledger_state', equal: 30, differing: 0, missing: 0 });
    expect(table(r, 'notes')).toEqual({ table: 'notes', equal: 30, differing: 0, missing: 0 });
    expect(r.unverifiable).toEqual({ gadget: 1 });
  });

  it('reports a row edited in Postgres as differing, a deleted one as missing, a ledger-side change too', async () => {
    await t.db.query<unknown[]>(`UPDATE notes SET text = 'tampered' WHERE id = 'v-01'`);
    await t.db.query<unknown[]>(
      `UPDATE ledger_state SET data = jsonb_set(data, '{text}', '"forged"') WHERE id = 'note/v-02'`,
    );
    await t.db.query<unknown[]>(`DELETE FROM notes WHERE id = 'v-03'`);
    await t.db.query<unknown[]>(`DELETE FROM ledger_state WHERE id = 'note/v-04'`);
    // A note the ledger no longer has (state changed behind the projection, e.g. a read model of another channel).
    t.ledger.setNote('v-05', undefined);
    const r = await post<Report>('/v1/admin/projection/verify', { maxExamples: 3 });
    expect(r.equal).toBe(false);
    expect(table(r, 'notes')).toEqual({ table: 'notes', equal: 27, differing: 1, missing: 2 });
    expect(table(r, 'ledger_state')).toEqual({ table: 'ledger_state', equal: 27, differing: 1, missing: 2 });
    expect(r.examples).toHaveLength(3);
    expect(r.examples[0]).toMatchObject({
      table: 'notes',
      id: 'note/v-01',
      problem: 'differs',
      readModel: { text: 'tampered' },
      ledger: { text: 'text 1' },
    });
    const all = await post<Report>('/v1/admin/projection/verify', { maxExamples: 50 });
    const problems = all.examples.map((e) => `${e.table} ${e.id} ${e.problem}`).sort();
    expect(problems).toEqual([
      'ledger_state note/v-02 differs',
      'ledger_state note/v-04 missingInReadModel',
      'ledger_state note/v-05 missingOnLedger',
      'notes note/v-01 differs',
      'notes note/v-03 missingInReadModel',
      'notes note/v-05 missingOnLedger',
    ]);
  });

  it('stops at maxKeys and says so; refuses bad options', async () => {
    const r = await post<Report>('/v1/admin/projection/verify', { maxKeys: 5 });
    expect(r.keysChecked).toBe(5);
    expect(r.truncated).toBe(true);
    const bad = await post<{ message: string }>('/v1/admin/projection/verify', { maxKeys: 0 }, 400);
    expect(bad.message).toMatch(/maxKeys/);
    const mode = await post<{ message: string }>('/v1/admin/projection/rebuild', { mode: 'replace' }, 400);
    expect(mode.message).toMatch(/mode/);
  });

  it('rebuild --swap replaces the drifted read model atomically and the live projection carries on', async () => {
    t.ledger.setNote('v-05', {
      id: 'v-05',
      text: 'text 5',
      writtenBy: 'MallAMSP',
      writtenAt: '2026-01-01T00:00:05.000Z',
    });
    const indexesBefore = await t.db.query<{ indexname: string }[]>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('notes', 'ledger_state', 'projection_checkpoint') ORDER BY indexname`,
    );
    const compare = await post<Rebuild>('/v1/admin/projection/rebuild', { mode: 'compare' });
    expect(compare).toMatchObject({ equal: false, swapped: false });
    expect(await t.db.query<unknown[]>(`SELECT text FROM notes WHERE id = 'v-01'`)).toEqual([{ text: 'tampered' }]);

    const swap = await post<Rebuild>('/v1/admin/projection/rebuild', { mode: 'swap' });
    expect(swap).toMatchObject({ equal: false, swapped: true, eventsReplayed: 31 });
    expect(await t.db.query<unknown[]>(`SELECT text FROM notes WHERE id = 'v-01'`)).toEqual([{ text: 'text 1' }]);
    const after = await post<Report>('/v1/admin/projection/verify');
    expect(after.equal).toBe(true);
    expect(table(after, 'notes')).toMatchObject({ equal: 30 });
    // Same index and constraint names as the migrations made; no schema left behind.
    const indexesAfter = await t.db.query<unknown[]>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('notes', 'ledger_state', 'projection_checkpoint') ORDER BY indexname`,
    );
    expect(indexesAfter).toEqual(indexesBefore);
    const leftovers = await t.db.query<unknown[]>(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%' OR nspname LIKE 'replaced_%'`,
    );
    expect(leftovers).toEqual([]);
    // The quarantine and checkpoint carried over; the live listener runs on the swapped tables.
    expect(await projection.checkpoint()).toEqual({ blockNumber: t.ledger.height, txId: t.ledger.txs.at(-1)!.txId });
    await put(t.ledger, 'after-swap', 'live');
    await caughtUp();
    expect(await t.db.query<unknown[]>(`SELECT text FROM notes WHERE id = 'after-swap'`)).toEqual([{ text: 'live' }]);
    const again = await post<Rebuild>('/v1/admin/projection/rebuild', {});
    expect(again.equal).toBe(true);
  });

  it('rebuild --swap catches up with events committed while the replay ran', async () => {
    await t.db.query<unknown[]>(`UPDATE notes SET text = 'drift' WHERE id = 'v-10'`);
    const pending = post<Rebuild>('/v1/admin/projection/rebuild', { mode: 'swap' });
    for (let i = 0; i < 20; i++) await put(t.ledger, `during-${i.toString()}`, 'd');
    const swap = await pending;
    expect(swap.swapped).toBe(true);
    await caughtUp();
    const r = await post<Report>('/v1/admin/projection/verify');
    expect(r.equal).toBe(true);
    expect(table(r, 'notes')).toMatchObject({ equal: 51, differing: 0, missing: 0 });
  });

  it('rebuild --swap never loses an event another instance applied between the catch-up and the swap', async () => {
    const original = projection.checkpoint.bind(projection);
    let injected = false;
    // Called with the rebuild schema only by the catch-up before the swap: another instance projects a new event now.
    projection.checkpoint = async (schema?: string) => {
      if (!injected && schema?.startsWith('rebuild_') === true) {
        injected = true;
        const before = t.ledger.height;
        await put(t.ledger, 'other-instance', 'raced');
        const events: Parameters<typeof projection.projector.apply>[0][] = [];
        const abort = new AbortController();
        await t.ledger.chaincodeEvents(
          before + 1n,
          async (e) => {
            events.push(e);
            abort.abort();
            return Promise.resolve();
          },
          abort.signal,
        );
        await projection.projector.apply(events.flat());
      }
      return original(schema);
    };
    try {
      const swap = await post<Rebuild>('/v1/admin/projection/rebuild', { mode: 'swap' });
      expect(swap.swapped).toBe(true);
    } finally {
      projection.checkpoint = original;
    }
    expect(injected).toBe(true);
    expect(await t.db.query(`SELECT text FROM notes WHERE id = 'other-instance'`)).toEqual([{ text: 'raced' }]);
    expect(await projection.checkpoint()).toEqual({ blockNumber: t.ledger.height, txId: t.ledger.txs.at(-1)!.txId });
    expect((await post<Report>('/v1/admin/projection/verify')).equal).toBe(true);
  });
});
