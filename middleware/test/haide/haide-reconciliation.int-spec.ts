import { ADJUST_KIND, REDEEM_KIND } from '../../src/adapters/haide/spend-kinds';
import { IntakeService } from '../../src/intake/intake.service';
import { type HaideHarness, sale, startHaide } from './haide-support';

interface TillDay {
  posNo: string;
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  committed: number;
  pending: number;
  failed: number;
  parked: number;
  pointsCredited: number;
  pointsReversed: number;
  redemptions: number;
  redemptionsCommitted: number;
  redemptionsFailed: number;
  pointsRedeemed: number;
}

const NO_SPEND = { redemptions: 0, redemptionsCommitted: 0, redemptionsFailed: 0, pointsRedeemed: 0 };

describe('GET /haide/v1/reconciliation: per till and Asia/Shanghai business day (real Postgres, HTTP)', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide();
  });
  afterAll(() => h.t.close());

  const get = (query: Record<string, string>, over?: Record<string, string>): ReturnType<HaideHarness['get']> =>
    h.get('reconciliation', query, over);

  it('counts received, accepted, duplicates, rejected, committed and points of one day', async () => {
    const day = '2026.03.02';
    const s1 = sale({ ocrTime: `${day} 10:00:00`, score: 100 });
    const s2 = sale({ ocrTime: `${day} 23:59:59`, score: 50 });
    const nextDay = sale({ ocrTime: '2026.03.03 00:00:00', score: 9 });
    const anonymous = sale({ ocrTime: `${day} 11:00:00`, cardNo: undefined });
    const ret = sale({
      ocrTime: `${day} 12:00:00`,
      txType: 'RETURN',
      backFlowNo: s1.flowNo,
      backTime: s1.ocrTime,
      realAmt: '64.25',
      cardNo: undefined,
    });
    const push = (data: unknown): ReturnType<HaideHarness['post']> => h.post('sales', h.envelope(data));
    await push({ receipts: [s1, s2, nextDay, anonymous, ret] });
    await push(s1); // duplicate
    await push({ ...s2, realAmt: '1.00' }); // conflict → rejected
    await push(sale({ ocrTime: `${day} 13:00:00`, cardNo: 'C9999' })); // unknown card → rejected
    // The batcher (off in this test) commits the sale s1 and the return; s2 stays pending.
    await h.t.db.query(`UPDATE intake_items SET status = 'committed' WHERE natural_key = ANY($1)`, [
      [`MALL-A/P001/${s1.flowNo as string}`, `MALL-A/P001/${ret.flowNo as string}`],
    ]);

    const res = await get({ businessDate: '2026-03-02' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ success: boolean; data: { businessDate: string; tills: TillDay[] } }>();
    expect(body.success).toBe(true);
    expect(body.data.tills).toEqual([
      {
        posNo: 'P001',
        received: 7,
        accepted: 4,
        duplicates: 1,
        rejected: 2,
        committed: 2,
        pending: 1,
        failed: 0,
        parked: 0,
        pointsCredited: 100,
        pointsReversed: 50,
        ...NO_SPEND,
      },
    ]);
    const next = (await get({ businessDate: '2026-03-03' })).json<{ data: { tills: TillDay[] } }>();
    expect(next.data.tills.map((t) => [t.posNo, t.accepted])).toEqual([['P001', 1]]);
  });

  it('counts redemptions per till and the day’s adjustments by the Asia/Shanghai day they were stored', async () => {
    const intake = h.t.app.get(IntakeService);
    // As points-spend.service stores them: the POS's data as payload, keyed by the POS's own numbers.
    const spend = async (
      kind: string,
      naturalKey: string,
      payload: object,
      storedAt: string,
      status: string,
    ): Promise<void> => {
      const ack = await intake.accept({ kind, naturalKey, payload, fn: 'points:Redeem', args: ['{}'] });
      await h.t.db.query(`UPDATE intake_items SET status = $2, created_at = $3 WHERE tracking_id = $1`, [
        ack.trackingId,
        status,
        storedAt,
      ]);
    };
    const lastSecond = '2026-04-01T15:59:59.999Z'; // 23:59:59.999 on 2026-04-01 in Asia/Shanghai
    const nextDay = '2026-04-01T16:00:00.000Z'; // 00:00 on 2026-04-02
    const redeem = (posNo: string, flowNo: string, points: number): object => ({
      posNo,
      flowNo,
      cardNo: 'C0001',
      points,
    });
    await spend(REDEEM_KIND, 'MALL-A/P001/RD1', redeem('P001', 'RD1', 30), lastSecond, 'committed');
    await spend(REDEEM_KIND, 'MALL-A/P001/RD2', redeem('P001', 'RD2', 12), '2026-03-31T16:00:00.000Z', 'committed');
    await spend(REDEEM_KIND, 'MALL-A/P001/RD3', redeem('P001', 'RD3', 999), lastSecond, 'dead');
    await spend(REDEEM_KIND, 'MALL-A/P002/RD1', redeem('P002', 'RD1', 5), lastSecond, 'pending');
    await spend(REDEEM_KIND, 'MALL-A/P001/RD4', redeem('P001', 'RD4', 70), nextDay, 'committed');
    await spend(REDEEM_KIND, 'MALL-B/P001/RD1', redeem('P001', 'RD1', 40), lastSecond, 'committed'); // another org
    const adjust = (adjustNo: string, points: number): object => ({
      adjustNo,
      cardNo: 'C0001',
      points,
      reasonCode: 'FIX',
    });
    await spend(ADJUST_KIND, 'MALL-A/A1', adjust('A1', 25), lastSecond, 'committed');
    await spend(ADJUST_KIND, 'MALL-A/A2', adjust('A2', -8), lastSecond, 'committed');
    await spend(ADJUST_KIND, 'MALL-A/A3', adjust('A3', -100), lastSecond, 'dead');
    await spend(ADJUST_KIND, 'MALL-A/A4', adjust('A4', 3), lastSecond, 'pending');
    await spend(ADJUST_KIND, 'MALL-A/A5', adjust('A5', 50), nextDay, 'committed');

    const res = await get({ businessDate: '2026-04-01' });
    expect(res.statusCode).toBe(200);
    const data = res.json<{ data: { tills: TillDay[]; adjustments: Record<string, number> } }>().data;
    const zero = { received: 0, accepted: 0, duplicates: 0, rejected: 0, committed: 0, pending: 0, failed: 0 };
    expect(data.tills).toEqual([
      {
        posNo: 'P001',
        ...zero,
        parked: 0,
        pointsCredited: 0,
        pointsReversed: 0,
        redemptions: 3,
        redemptionsCommitted: 2,
        redemptionsFailed: 1,
        pointsRedeemed: 42,
      },
      {
        posNo: 'P002',
        ...zero,
        parked: 0,
        pointsCredited: 0,
        pointsReversed: 0,
        redemptions: 1,
        redemptionsCommitted: 0,
        redemptionsFailed: 0,
        pointsRedeemed: 0,
      },
    ]);
    expect(data.adjustments).toEqual({
      accepted: 4,
      committed: 2,
      pending: 1,
      failed: 1,
      pointsCredited: 25,
      pointsDebited: 8,
    });
    const next = (await get({ businessDate: '2026-04-02' })).json<{
      data: { tills: TillDay[]; adjustments: Record<string, number> };
    }>().data;
    expect(next.tills.map((t) => [t.posNo, t.redemptions, t.pointsRedeemed])).toEqual([['P001', 1, 70]]);
    expect(next.adjustments).toMatchObject({ accepted: 1, committed: 1, pointsCredited: 50, pointsDebited: 0 });
  });

  it('refuses an impossible day, an unknown parameter, and a query signed over other data', async () => {
    expect((await get({ businessDate: '2026-02-30' })).statusCode).toBe(400);
    expect((await get({ businessDate: '2026-03-02', extra: 'x' })).statusCode).toBe(400);
    const tampered = await get({ businessDate: '2026-03-02' }, { businessDate: '2026-03-01' });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json<{ message: string }>().message).toContain('sign does not match');
  });
});
