import { randomBytes } from 'node:crypto';
import { haideSign } from '../../src/adapters/haide/haide-envelope';
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
}

describe('GET /haide/v1/reconciliation: per till and Asia/Shanghai business day (real Postgres, HTTP)', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide();
  });
  afterAll(() => h.t.close());

  const get = (query: Record<string, string>, over: Record<string, string> = {}): ReturnType<HaideHarness['post']> => {
    const timestamp = String(Date.now());
    const nonce = randomBytes(8).toString('hex');
    const { appId, secret, orgCode } = h.partner;
    const sign = haideSign(Buffer.from(secret), appId, timestamp, nonce, { ...query, orgCode });
    const qs = new URLSearchParams({ appId, timestamp, nonce, orgCode, sign, ...query, ...over });
    return h.t.app.inject({ method: 'GET', url: `/haide/v1/reconciliation?${qs.toString()}` });
  };

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
      },
    ]);
    const next = (await get({ businessDate: '2026-03-03' })).json<{ data: { tills: TillDay[] } }>();
    expect(next.data.tills.map((t) => [t.posNo, t.accepted])).toEqual([['P001', 1]]);
  });

  it('refuses an impossible day, an unknown parameter, and a query signed over other data', async () => {
    expect((await get({ businessDate: '2026-02-30' })).statusCode).toBe(400);
    expect((await get({ businessDate: '2026-03-02', extra: 'x' })).statusCode).toBe(400);
    const tampered = await get({ businessDate: '2026-03-02' }, { businessDate: '2026-03-01' });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json<{ message: string }>().message).toContain('sign does not match');
  });
});
