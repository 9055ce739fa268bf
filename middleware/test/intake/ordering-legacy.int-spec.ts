import { FORMER_ADMIN_SCOPES } from '../../src/auth/scopes';
import { DriverUnsupportedError } from '../../src/common/errors';
import { IntakeService } from '../../src/intake/intake.service';
import { NO_JIT, SELECT_READY } from '../../src/intake/outbox.sql';
import { selectReady } from '../../src/intake/outbox.store';
import { LedgerTimeoutError } from '../../src/ledger/ledger.port';
import { FakeLedger } from '../support/fake-ledger';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const idOf = (args: readonly string[]): string => (JSON.parse(args[0] ?? '{}') as { id: string }).id;
const note = (id: string, orderingKey?: string): Parameters<IntakeService['accept']>[0] => ({
  kind: 'note',
  naturalKey: id,
  payload: { id, text: 'x' },
  fn: 'info:PutNote',
  args: [JSON.stringify({ id, text: 'x' })],
  orderingKey,
});

describe('per-key ordering', () => {
  let t: TestApp;
  let intake: IntakeService;

  beforeAll(async () => {
    t = await startTestApp(
      { BATCH_WAIT_MS: '5', BATCH_BACKOFF_MS: '5', BATCH_MAX_BACKOFF_MS: '20', BATCH_SIZE: '10' },
      new FakeLedger(),
    );
    intake = t.app.get(IntakeService);
  });
  afterAll(() => t.close());

  const statusOf = async (trackingId: string): Promise<string> => (await intake.status(trackingId, 'MallAMSP')).status;

  it('an item waits (never dies) until the earlier items of its key are committed; other keys go on', async () => {
    let release: (() => void) | undefined;
    let failures = 0;
    t.ledger.beforeSubmit = (_fn, args) => {
      if (idOf(args) !== 'sale-1') return Promise.resolve();
      if (failures < 5) {
        failures++;
        return Promise.reject(new LedgerTimeoutError('endorse', 'peer unreachable'));
      }
      return new Promise<void>((r) => (release = r));
    };
    const sale = await intake.accept(note('sale-1', 'receipt/r1'));
    const ret = await intake.accept(note('return-1', 'receipt/r1'));
    const ret2 = await intake.accept(note('return-2', 'receipt/r1'));
    const other = await intake.accept(note('other-1', 'receipt/r2'));
    expect(await eventually(async () => ((await statusOf(other.trackingId)) === 'committed' ? true : undefined))).toBe(
      true,
    );
    await eventually(() => Promise.resolve(release));
    // The sale is being sent (after five failed attempts): its successors (perhaps claimed with it, as its key's run)
    // are still not sent, nor dead.
    await new Promise((r) => setTimeout(r, 300));
    expect(await statusOf(ret.trackingId)).toBe('pending');
    expect(await statusOf(ret2.trackingId)).toBe('pending');
    expect(t.ledger.txs.map((x) => idOf(x.args))).not.toContain('return-1');
    const [sent] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_items WHERE tracking_id = ANY($1::uuid[]) AND tx_id IS NOT NULL`,
      [[ret.trackingId, ret2.trackingId]],
    );
    release?.();
    expect(sent?.n).toBe(0);
    await eventually(async () => ((await statusOf(ret2.trackingId)) === 'committed' ? true : undefined));
    const order = t.ledger.txs.map((x) => idOf(x.args)).filter((id) => ['sale-1', 'return-1', 'return-2'].includes(id));
    expect(order).toEqual(['sale-1', 'return-1', 'return-2']);
    expect(await statusOf(sale.trackingId)).toBe('committed');
    t.ledger.beforeSubmit = undefined;
  });

  it('the claim query stays cheap with 50,000 queued rows on 10,000 ordering keys (runs of up to 100 a key)', async () => {
    await intake.batcher.stop();
    try {
      await t.db.query(`
        WITH i AS (
          INSERT INTO intake_items (tracking_id, kind, natural_key, content_hash, payload, fn, args, ordering_key)
          SELECT gen_random_uuid(), 'bench', 'b' || g, repeat('0', 64), '{}'::jsonb, 'info:PutNote', '[]'::jsonb,
                 'key-' || (g % 10000)
          FROM generate_series(1, 50000) g RETURNING tracking_id, ordering_key)
        INSERT INTO outbox (tracking_id, ordering_key) SELECT tracking_id, ordering_key FROM i`);
      await t.db.query('ANALYZE outbox');
      const runs = 10;
      const started = process.hrtime.bigint();
      for (let i = 0; i < runs; i++) {
        await t.db.transaction(async (m) => {
          await m.query(NO_JIT);
          const rows = await selectReady((sql, params) => m.query(sql, params), 100, 100);
          expect(rows).toHaveLength(100);
        });
      }
      const ms = Number(process.hrtime.bigint() - started) / 1e6 / runs;
      process.stdout.write(`claim query with 50,000 rows / 10,000 keys: ${ms.toFixed(1)} ms per claim\n`);
      expect(ms).toBeLessThan(250);
      const plan = await t.db.query<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN ${SELECT_READY.replace('$1', '100').replaceAll('$2', '100').replace('$3', '1024')}`,
      );
      // The claim reads a prefix of the outbox by ID and probes intake items by index, never scanning them all.
      expect(plan.map((p) => p['QUERY PLAN']).join('\n')).not.toMatch(/Seq Scan on intake_items/);
      // One key with a backlog of 20,000 behind a head in flight: each of its rows is refused at the head.
      await t.db.query(`
        WITH i AS (
          INSERT INTO intake_items (tracking_id, kind, natural_key, content_hash, payload, fn, args, ordering_key)
          SELECT gen_random_uuid(), 'bench', 'h' || g, repeat('0', 64), '{}'::jsonb, 'info:PutNote', '[]'::jsonb, 'hot'
          FROM generate_series(1, 20000) g RETURNING tracking_id, ordering_key)
        INSERT INTO outbox (tracking_id, ordering_key) SELECT tracking_id, ordering_key FROM i`);
      await t.db.query(`UPDATE outbox SET claimed_until = now() + interval '1 hour', claimed_by = gen_random_uuid()
                        WHERE id = (SELECT min(id) FROM outbox WHERE ordering_key = 'hot')`);
      await t.db.query(`DELETE FROM intake_items WHERE kind = 'bench' AND natural_key LIKE 'b%'`);
      await t.db.query('VACUUM ANALYZE outbox');
      const hotStarted = process.hrtime.bigint();
      const hot = await t.db.transaction(async (m) => {
        await m.query(NO_JIT);
        return selectReady((sql, params) => m.query(sql, params), 100, 100);
      });
      const hotMs = Number(process.hrtime.bigint() - hotStarted) / 1e6;
      process.stdout.write(`claim query, 20,000 rows of one key behind its claimed head: ${hotMs.toFixed(1)} ms\n`);
      expect(hot).toHaveLength(0);
      expect(hotMs).toBeLessThan(1000);
    } finally {
      await t.db.query(`DELETE FROM intake_items WHERE kind = 'bench'`);
      intake.batcher.start();
    }
  });
});

describe('LEDGER_DRIVER=legacy carries only functions declared idempotent', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(
      { LEDGER_DRIVER: 'legacy', BATCH_WAIT_MS: '5', BATCH_MAX_BACKOFF_MS: '20' },
      new FakeLedger(),
    );
  });
  afterAll(() => t.close());

  it('refuses at intake, with a clear 501, a function not declared idempotent; nothing is stored', async () => {
    const intake = t.app.get(IntakeService);
    const transfer = { kind: 'transfer', naturalKey: 'r-1', payload: { a: 1 }, fn: 'points:Transfer', args: ['{}'] };
    await expect(intake.accept(transfer)).rejects.toThrow(DriverUnsupportedError);
    await expect(intake.accept(transfer)).rejects.toThrow(
      /points:Transfer is not declared idempotent: LEDGER_DRIVER=legacy keeps no signed envelope/,
    );
    await expect(intake.acceptMany([note('fine-0'), transfer])).rejects.toMatchObject({ status: 501 });
    const [n] = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_items WHERE kind = 'redemption' OR natural_key = 'fine-0'`,
    );
    expect(n?.n).toBe(0);
  });

  it('carries notes (info:PutNote is declared idempotent)', async () => {
    const key = await t.key([...FORMER_ADMIN_SCOPES]);
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/notes',
      headers: { 'x-api-key': key },
      payload: { id: 'legacy-1', text: 'x' },
    });
    expect(r.statusCode).toBe(202);
    const id = r.json<{ trackingId: string }>().trackingId;
    await eventually(async () =>
      (await t.app.get(IntakeService).status(id, 'MallAMSP')).status === 'committed' ? true : undefined,
    );
  });

  it('never submits a queued item of an undeclared function (accepted before the driver changed): it waits, visibly', async () => {
    await t.db.query(`
      WITH i AS (INSERT INTO intake_items (tracking_id, kind, natural_key, content_hash, payload, fn, args)
                 VALUES (gen_random_uuid(), 'transfer', 'queued-1', repeat('0', 64), '{}', 'points:Transfer', '["{}"]')
                 RETURNING tracking_id)
      INSERT INTO outbox (tracking_id) SELECT tracking_id FROM i`);
    const row = await eventually(async () => {
      const [r] = await t.db.query<{ status: string; last_error: string | null; attempts: number }[]>(
        `SELECT status, last_error, attempts FROM intake_items WHERE natural_key = 'queued-1'`,
      );
      return r?.last_error ? r : undefined;
    });
    expect(row.status).toBe('pending');
    expect(row.last_error).toMatch(/points:Transfer is not declared idempotent/);
    expect(t.ledger.txs.filter((x) => x.fn === 'points:Transfer')).toHaveLength(0);
  });
});
