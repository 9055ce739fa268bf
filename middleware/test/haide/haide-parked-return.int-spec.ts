/**
 * A Haide return pushed before its sale waits for it: accepted and stored parked (nothing reversed, nothing on the
 * intake); the sale's arrival (single push, batch, day-end upload) decides the parked returns in arrival order and
 * queues their reversals after the sale's accrual, in the sale's own Postgres transaction.
 */
import { IntakeService } from '../../src/intake/intake.service';
import { ChaincodeRejectedError } from '../../src/ledger/ledger.port';
import { FakeLedger, type FakeContract } from '../support/fake-ledger';
import { type HaideHarness, type Result, returnOf, sale, startHaide, wechat } from './haide-support';

/** Accrue and Reverse as the chaincode orders them: a reversal of an accrual not on the ledger is refused. */
class PointsFake implements FakeContract {
  readonly accrued = new Set<string>();
  handles(fn: string): boolean {
    return fn === 'points:Accrue' || fn === 'points:Reverse' || fn === 'points:AccrueBatch';
  }
  submit(fn: string, args: readonly string[]): { result: string; changes: readonly unknown[] } {
    const req = JSON.parse(args[0] ?? '{}') as { sourceRef: string };
    if (fn === 'points:Accrue') this.accrued.add(req.sourceRef);
    else if (fn === 'points:Reverse' && !this.accrued.has(req.sourceRef))
      throw new ChaincodeRejectedError('NOT_FOUND', `accrual ${req.sourceRef} does not exist`);
    return { result: '{}', changes: [] };
  }
  evaluate(): string {
    throw new Error('not used');
  }
}

describe('Haide return before its sale: parked, then decided by the sale (real Postgres, intake on the fake ledger)', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide(new FakeLedger({ contracts: [new PointsFake()] }));
  });
  afterAll(() => h.t.close());

  const push = async (data: unknown): Promise<{ status: number; data: Result & { receipts?: Result[] } }> => {
    const res = await h.post('sales', h.envelope(data));
    return { status: res.statusCode, data: res.json<{ data: Result & { receipts?: Result[] } }>().data };
  };
  const items = (
    flowNos: unknown[],
  ): Promise<{ natural_key: string; fn: string; args: string[]; after_key: string }[]> =>
    h.t.db.query(
      `SELECT natural_key, fn, args, after_key FROM intake_items WHERE kind = 'haide.receipt' AND natural_key = ANY($1)
       ORDER BY queue_seq`,
      [flowNos.map((f) => `MALL-A/P001/${f as string}`)],
    );
  const row = async (flowNo: unknown): Promise<{ points: number; parked: boolean; tracking_id: string | null }> =>
    (
      await h.t.db.query<{ points: number; parked: boolean; tracking_id: string | null }[]>(
        `SELECT points, parked_since IS NOT NULL AS parked, tracking_id FROM haide_receipts WHERE flow_no = $1`,
        [flowNo],
      )
    )[0] ?? { points: -1, parked: false, tracking_id: 'missing' };
  const ticks = async (n: number): Promise<void> => {
    const intake = h.t.app.get(IntakeService);
    for (let i = 0; i < n; i++) {
      await intake.batcher.tick();
      await new Promise((r) => setTimeout(r, 60));
    }
  };
  const reconciliation = async (businessDate: string): Promise<Record<string, number>[]> => {
    const res = await h.get('reconciliation', { businessDate });
    expect(res.statusCode).toBe(200);
    return res.json<{ data: { tills: Record<string, number>[] } }>().data.tills;
  };

  it('accepts a return before its sale as parked (nothing reversed); the sale queues Accrue, then Reverse', async () => {
    const s = sale({ ...wechat('100.00'), ocrTime: '2026.04.01 10:00:00' });
    const r = returnOf(s, '25.00', { ocrTime: '2026.04.01 09:00:00' });
    const parked = await push(r);
    expect(parked.status).toBe(202);
    expect(parked.data).toMatchObject({ status: 'accepted', trackingId: null, points: 0 });
    expect(parked.data.message).toContain(`waiting for sale ${s.flowNo as string}`);
    expect(await row(r.flowNo)).toEqual({ points: 0, parked: true, tracking_id: null });
    expect(await items([r.flowNo])).toEqual([]);
    await ticks(2);
    expect(h.t.ledger.txs.filter((t) => t.fn.startsWith('points:'))).toEqual([]);

    // The same return again is a duplicate; the same key with other content is a conflict; neither stores anything.
    const again = await push(r);
    expect([again.status, again.data.status, again.data.points]).toEqual([200, 'duplicate', 0]);
    const other = await push({ ...r, realAmt: '26.00' });
    expect(other.status).toBe(409);
    expect(other.data.message).toMatch(/^conflict: /);
    expect(await row(r.flowNo)).toEqual({ points: 0, parked: true, tracking_id: null });
    // Reconciliation: accepted and parked, neither pending nor reversed.
    expect(await reconciliation('2026-04-01')).toEqual([
      expect.objectContaining({ posNo: 'P001', accepted: 1, parked: 1, pending: 0, pointsReversed: 0, duplicates: 1 }),
    ]);

    const saleRes = await push(s);
    expect([saleRes.status, saleRes.data.points]).toEqual([202, 200]);
    const queued = await items([s.flowNo, r.flowNo]);
    expect(queued.map((i) => [i.natural_key, i.fn, i.after_key])).toEqual([
      [`MALL-A/P001/${s.flowNo as string}`, 'points:Accrue', null],
      [`MALL-A/P001/${r.flowNo as string}`, 'points:Reverse', `MALL-A/P001/${s.flowNo as string}`],
    ]);
    expect(JSON.parse(queued[1]?.args[0] ?? '{}')).toEqual({
      amount: 50, // floor(200 × 2500 ÷ 10000)
      programId: 'mallA-points',
      reversalRef: `haide:MALL-A/P001/${r.flowNo as string}`,
      sourceRef: `haide:MALL-A/P001/${s.flowNo as string}`,
    });
    const released = await row(r.flowNo);
    expect([released.points, released.parked, typeof released.tracking_id]).toEqual([50, false, 'string']);
    const after = await push(r); // the re-push now answers the decided outcome
    expect([after.status, after.data.status, after.data.points, after.data.trackingId]).toEqual([
      200,
      'duplicate',
      50,
      released.tracking_id,
    ]);

    await ticks(8);
    const mine = h.t.ledger.txs
      .filter((t) => t.fn.startsWith('points:'))
      .map((t) => [t.fn, (JSON.parse(t.args[0] ?? '{}') as { sourceRef: string }).sourceRef]);
    expect(mine).toEqual([
      ['points:Accrue', `haide:MALL-A/P001/${s.flowNo as string}`],
      ['points:Reverse', `haide:MALL-A/P001/${s.flowNo as string}`],
    ]);
    expect(await reconciliation('2026-04-01')).toEqual([
      expect.objectContaining({ accepted: 2, parked: 0, committed: 2, pointsCredited: 200, pointsReversed: 50 }),
    ]);
  });

  it('two parked returns completing the sale (released by a batch) take floor and then the exact remainder', async () => {
    const s = sale(wechat('100.00')); // 200 points
    const r1 = returnOf(s, '33.33');
    const r2 = returnOf(s, '66.67');
    expect((await push(r1)).status).toBe(202);
    expect((await push(r2)).status).toBe(202);
    const batch = await push({ receipts: [s] });
    expect(batch.data.receipts?.map((x) => x.status)).toEqual(['accepted']);
    const queued = await items([s.flowNo, r1.flowNo, r2.flowNo]);
    expect(queued.map((i) => [i.fn, (JSON.parse(i.args[0] ?? '{}') as { amount?: number }).amount])).toEqual([
      ['points:Accrue', 200],
      ['points:Reverse', 66], // floor(200 × 3333 ÷ 10000)
      ['points:Reverse', 134], // completes the sale: 200 − 66
    ]);
    expect([(await row(r1.flowNo)).points, (await row(r2.flowNo)).points]).toEqual([66, 134]);
  });

  it('a day-end upload releases the parked returns of its sales', async () => {
    const s = sale(wechat('10.00')); // 20 points
    const r = returnOf(s, '10.00');
    expect((await push(r)).status).toBe(202);
    const res = await h.upload(`${JSON.stringify(s)}\n`);
    expect(res.statusCode).toBe(200);
    expect((await items([s.flowNo, r.flowNo])).map((i) => i.fn)).toEqual(['points:Accrue', 'points:Reverse']);
    expect((await row(r.flowNo)).points).toBe(20);
  });

  it('a sale smaller than its parked returns: the first that fits is decided, the other is rejected as an over-return', async () => {
    const day = '2026.04.02';
    const s = sale({ ...wechat('100.00'), ocrTime: `${day} 10:00:00` });
    const r1 = returnOf(s, '60.00', { ocrTime: `${day} 11:00:00` });
    const r2 = returnOf(s, '60.00', { ocrTime: `${day} 11:05:00` });
    expect((await push(r1)).status).toBe(202);
    expect((await push(r2)).status).toBe(202);
    expect(await reconciliation('2026-04-02')).toEqual([expect.objectContaining({ accepted: 2, parked: 2 })]);
    expect((await push(s)).status).toBe(202);
    expect((await items([r1.flowNo, r2.flowNo])).map((i) => i.natural_key)).toEqual([
      `MALL-A/P001/${r1.flowNo as string}`,
    ]);
    expect((await row(r1.flowNo)).points).toBe(120);
    expect((await row(r2.flowNo)).tracking_id).toBe('missing'); // no longer stored
    expect(await reconciliation('2026-04-02')).toEqual([
      expect.objectContaining({ accepted: 2, parked: 0, rejected: 1, received: 3 }),
    ]);
    const again = await push(r2);
    expect(again.status).toBe(400);
    expect(again.data.message).toContain('more than the 4000 fen left');
  });

  it('a failure inside the sale transaction leaves neither the sale nor the release; the re-push does both', async () => {
    const s = sale(wechat('50.00')); // 100 points
    const r = returnOf(s, '20.00');
    expect((await push(r)).status).toBe(202);
    // A real Postgres failure between the sale's intake write and the parked row's release (like a crash there).
    await h.t.db.query(`
      CREATE FUNCTION test_fail_release() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure'; END $$;
      CREATE TRIGGER test_fail_release BEFORE UPDATE OF parked_since ON haide_receipts
        FOR EACH ROW EXECUTE FUNCTION test_fail_release();`);
    try {
      const failed = await h.post('sales', h.envelope(s));
      expect(failed.statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await h.t.db.query(`DROP TRIGGER test_fail_release ON haide_receipts; DROP FUNCTION test_fail_release();`);
    }
    expect(await items([s.flowNo, r.flowNo])).toEqual([]);
    expect(await row(s.flowNo)).toEqual({ points: -1, parked: false, tracking_id: 'missing' });
    expect(await row(r.flowNo)).toEqual({ points: 0, parked: true, tracking_id: null });

    expect((await push(s)).status).toBe(202);
    expect((await items([s.flowNo, r.flowNo])).map((i) => i.fn)).toEqual(['points:Accrue', 'points:Reverse']);
    expect((await row(r.flowNo)).points).toBe(40);
  });

  it('a return racing its sale is never left parked: either it sees the sale or the sale sees it', async () => {
    const pairs = Array.from({ length: 8 }, () => {
      const s = sale(wechat('10.00')); // 20 points
      return { s, r: returnOf(s, '5.00') };
    });
    const answers = await Promise.all(pairs.flatMap(({ s, r }) => [push(r), push(s)]));
    expect(answers.map((a) => a.status)).toEqual(pairs.flatMap(() => [202, 202]));
    for (const { s, r } of pairs) {
      expect(await row(r.flowNo)).toMatchObject({ points: 10, parked: false });
      expect((await items([s.flowNo, r.flowNo])).map((i) => i.fn)).toEqual(['points:Accrue', 'points:Reverse']);
    }
  });

  it('bad input on a return stores nothing parked: an unknown till, a malformed amount, backTime missing', async () => {
    const s = sale();
    const cases: [Record<string, unknown>, string][] = [
      [returnOf(s, '1.00', { posNo: 'P404' }), 'posNo P404: unknown till'],
      [returnOf(s, '1.001'), 'realAmt'],
      [returnOf(s, '1.00', { backTime: undefined }), 'backTime is required for a RETURN'],
    ];
    for (const [r, message] of cases) {
      const res = await push(r);
      expect([res.status, res.data.status]).toEqual([400, 'rejected']);
      expect(res.data.message).toContain(message);
      expect((await row(r.flowNo)).tracking_id).toBe('missing');
    }
  });
});
