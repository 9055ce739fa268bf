import { ProjectionService } from '../src/projection/projection.service';
import { RebuildService } from '../src/projection/rebuild.service';
import { FakeLedger } from './support/fake-ledger';
import { eventually, startTestApp, type TestApp } from './support/test-app';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';

describe('projection', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, new FakeLedger());
  });
  afterAll(() => t.close());

  const noteCount = async (): Promise<number> =>
    (await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM notes'))[0]!.n;

  it('projects ledger events into ledger_state, the typed table and the event log, with the checkpoint', async () => {
    for (let i = 0; i < 5; i++)
      await t.ledger.submit('info:PutNote', [JSON.stringify({ id: `p-${i}`, text: `v${i}` })]);
    await eventually(async () => ((await noteCount()) === 5 ? true : undefined));
    const state = await t.db.query<unknown[]>(
      `SELECT id, data->>'text' AS text FROM ledger_state WHERE entity = 'note' ORDER BY id`,
    );
    expect(state).toEqual([0, 1, 2, 3, 4].map((i) => ({ id: `note/p-${i}`, text: `v${i}` })));
    const cp = await t.app.get(ProjectionService).checkpoint();
    expect(cp).toEqual({ blockNumber: t.ledger.height, txId: t.ledger.txs.at(-1)!.txId });
  });

  it('applies a re-delivered event once (restart from an older point changes nothing)', async () => {
    const projection = t.app.get(ProjectionService);
    await projection.stop();
    const last = t.ledger.txs.at(-1)!;
    // Replay everything again through the projector: every transaction is already in the event log.
    const results: { applied: boolean }[] = [];
    const abort = new AbortController();
    await t.ledger.chaincodeEvents(
      0n,
      async (e) => {
        results.push(await projection.projector.apply(e));
        if (e.txId === last.txId) abort.abort();
      },
      abort.signal,
    );
    expect(results.every((r) => !r.applied)).toBe(true);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM events WHERE type = 'ledger.changes'`)).toEqual([{ n: 5 }]);
    projection.start();
  });

  it('resumes after a listener failure from the checkpoint without missing or doubling events', async () => {
    const projection = t.app.get(ProjectionService);
    let failOnce = true;
    const original = projection.projector.apply.bind(projection.projector);
    projection.projector.apply = async (e, schema, name) => {
      if (failOnce && schema === undefined) {
        failOnce = false;
        throw new Error('database hiccup');
      }
      return original(e, schema, name);
    };
    await t.ledger.submit('info:PutNote', [JSON.stringify({ id: 'p-after', text: 'x' })]);
    await eventually(async () => ((await noteCount()) === 6 ? true : undefined));
    expect(failOnce).toBe(false);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM events WHERE type = 'ledger.changes'`)).toEqual([{ n: 6 }]);
    projection.projector.apply = original;
  });

  it('rebuild replays from block 0 into a fresh schema and finds the same read model', async () => {
    const report = await t.app.get(RebuildService).rebuild();
    expect(report.equal).toBe(true);
    expect(report.eventsReplayed).toBe(6);
    expect(report.tables.map((x) => x.table).sort()).toEqual([
      'device_attestations',
      'devices',
      'did_documents',
      'did_versions',
      'ledger_state',
      'notes',
      'points_accruals',
      'points_balances',
      'points_clearing',
      'points_confirmations',
      'points_history',
      'points_lots',
      'points_merchants',
      'points_programs',
      'points_rates',
      'points_redemptions',
      'points_reversals',
      'points_statements',
    ]);
    const schemas = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`,
    );
    expect(schemas[0]!.n).toBe(0);
  });

  it('rebuild reports a live read model that drifted from the ledger', async () => {
    await t.db.query(`UPDATE notes SET text = 'tampered' WHERE id = 'p-1'`);
    await t.db.query(`DELETE FROM ledger_state WHERE id = 'note/p-2'`);
    const admin = await t.key([...FORMER_ADMIN_SCOPES]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/projection/rebuild',
      headers: { 'x-api-key': admin },
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    const report = res.json<{ equal: boolean; tables: { table: string; onlyLive: number; onlyRebuilt: number }[] }>();
    expect(report.equal).toBe(false);
    expect(report.tables.find((x) => x.table === 'notes')).toEqual({ table: 'notes', onlyLive: 1, onlyRebuilt: 1 });
    expect(report.tables.find((x) => x.table === 'ledger_state')).toEqual({
      table: 'ledger_state',
      onlyLive: 0,
      onlyRebuilt: 1,
    });
  });
});
