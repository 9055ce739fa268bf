import { VERIFY_LEDGER_MAX_ITEMS } from '../../src/adapters/haide/reconciliation-verifier';
import { ADJUST_KIND, REDEEM_KIND } from '../../src/adapters/haide/spend-kinds';
import { IntakeService } from '../../src/intake/intake.service';
import { ChaincodeRejectedError } from '../../src/ledger/ledger.port';
import { FakeLedger } from '../support/fake-ledger';
import { type Answer, type HaideHarness, MEMBER_DID, sale, startHaide } from './haide-support';

interface Figures {
  committed: number;
  pointsCredited: number;
  pointsReversed: number;
  redemptionsCommitted: number;
  pointsRedeemed: number;
}
type Till = Figures & { posNo: string; ledger?: Figures };
interface Mismatch {
  posNo: string;
  flowNo: string;
  kind: string;
  field: string;
  cache: number;
  ledger: number | null;
}
interface AdjustmentsDay {
  committed: number;
  pointsCredited: number;
  pointsDebited: number;
  ledger?: { committed: number; pointsCredited: number; pointsDebited: number };
}
type Verified = Answer<{ verify?: string; tills: Till[]; adjustments: AdjustmentsDay; mismatches?: Mismatch[] }>;

const cacheFigures = (t: Till): Figures => ({
  committed: t.committed,
  pointsCredited: t.pointsCredited,
  pointsReversed: t.pointsReversed,
  redemptionsCommitted: t.redemptionsCommitted,
  pointsRedeemed: t.pointsRedeemed,
});

describe('GET /haide/v1/reconciliation?verify=ledger: committed figures recomputed from the peer (real Postgres, HTTP)', () => {
  // What the peer answers: accruals by sourceRef, redemptions by merchant/ref (GetAccrual / GetRedemption).
  const accruals = new Map<string, { amount: number; reversed: number }>();
  const redemptions = new Map<string, number>();
  const adjustments = new Map<string, number>();
  const lookups: string[] = [];
  let h: HaideHarness;
  beforeAll(async () => {
    const ledger = new FakeLedger();
    ledger.queries.set('points:GetAccrual', (args) => {
      const { programId, sourceRef } = JSON.parse(args[0] ?? '{}') as { programId: string; sourceRef: string };
      lookups.push(`accrual ${sourceRef}`);
      const a = accruals.get(sourceRef);
      if (!a || programId !== 'mallA-points') throw new ChaincodeRejectedError('NOT_FOUND', `accrual ${sourceRef}`);
      return { programId, sourceRef, member: MEMBER_DID, txId: 'tx', lotId: 'lot', ...a };
    });
    ledger.queries.set('points:GetRedemption', (args) => {
      const { merchant, ref } = JSON.parse(args[0] ?? '{}') as { merchant: string; ref: string };
      lookups.push(`redemption ${merchant}/${ref}`);
      const amount = redemptions.get(`${merchant}/${ref}`);
      if (amount === undefined) throw new ChaincodeRejectedError('NOT_FOUND', `redemption ${ref}`);
      return { merchant, ref, programId: 'mallA-points', member: MEMBER_DID, amount, txId: 'tx' };
    });
    ledger.queries.set('points:GetAdjustment', (args) => {
      const { programId, ref } = JSON.parse(args[0] ?? '{}') as { programId: string; ref: string };
      lookups.push(`adjustment ${ref}`);
      const amount = adjustments.get(ref);
      if (amount === undefined || programId !== 'mallA-points')
        throw new ChaincodeRejectedError('NOT_FOUND', `adjustment ${ref}`);
      return { programId, ref, member: MEMBER_DID, amount, reasonCode: 'FIX', takes: [], txId: 'tx', at: 'x' };
    });
    h = await startHaide(ledger);
  });

  /** A committed manual correction stored on `date` (as /points/adjust makes it: a credit accrues, a debit adjusts). */
  const adjustment = async (date: string, adjustNo: string, points: number): Promise<string> => {
    const ref = `haide-adjust:MALL-A/${adjustNo}`;
    const call =
      points > 0
        ? {
            fn: 'points:Accrue',
            args: { programId: 'mallA-points', member: MEMBER_DID, amount: points, sourceRef: `${ref}/FIX` },
          }
        : {
            fn: 'points:Adjust',
            args: { programId: 'mallA-points', member: MEMBER_DID, amount: -points, reasonCode: 'FIX', ref },
          };
    const ack = await h.t.app.get(IntakeService).accept({
      kind: ADJUST_KIND,
      naturalKey: `MALL-A/${adjustNo}`,
      payload: { adjustNo, points, reasonCode: 'FIX' },
      fn: call.fn,
      args: [JSON.stringify(call.args)],
    });
    await h.t.db.query(`UPDATE intake_items SET status = 'committed', created_at = $2 WHERE tracking_id = $1`, [
      ack.trackingId,
      `${date}T04:00:00Z`,
    ]);
    return points > 0 ? `${ref}/FIX` : ref;
  };
  afterAll(() => h.t.close());

  const get = (query: Record<string, string>): ReturnType<HaideHarness['get']> => h.get('reconciliation', query);

  /** A day on till P001: sale s1 (100 points) half returned (50), sale s2 (50), a redemption of 30; all committed. */
  const day = async (
    date: string,
  ): Promise<{ s1: string; s2: string; ret: string; redeem: string; commit: () => Promise<void> }> => {
    const at = `${date.replace(/-/g, '.')} 10:00:00`;
    const s1 = sale({ ocrTime: at, score: 100 });
    const s2 = sale({ ocrTime: at, score: 50 });
    const ret = sale({ ocrTime: at, txType: 'RETURN', backFlowNo: s1.flowNo, backTime: at, realAmt: '64.25' });
    const pushed = await h.post('sales', h.envelope({ receipts: [s1, s2, ret] }));
    expect(pushed.json<{ message: string }>().message).toBe('3 accepted, 0 duplicate, 0 rejected');
    const flowNo = `RD-${date}`;
    const args = [JSON.stringify({ merchant: 'store-0101', ref: `haide:MALL-A/P001/${flowNo}`, amount: 30 })];
    const ack = await h.t.app.get(IntakeService).accept({
      kind: REDEEM_KIND,
      naturalKey: `MALL-A/P001/${flowNo}`,
      payload: { posNo: 'P001', flowNo, points: 30 },
      fn: 'points:Redeem',
      args,
    });
    await h.t.db.query(`UPDATE intake_items SET created_at = $2 WHERE tracking_id = $1`, [
      ack.trackingId,
      `${date}T04:00:00Z`,
    ]);
    const keys = [s1, s2, ret].map((r) => `MALL-A/P001/${r.flowNo as string}`);
    return {
      s1: s1.flowNo as string,
      s2: s2.flowNo as string,
      ret: ret.flowNo as string,
      redeem: flowNo,
      // The batcher is off here: the test says what committed, and the fake peer what it holds.
      commit: async () => {
        await h.t.db.query(
          `UPDATE intake_items SET status = 'committed' WHERE natural_key = ANY($1) OR tracking_id = $2`,
          [keys, ack.trackingId],
        );
      },
    };
  };

  it('answers the cache and the ledger figures side by side, equal, with no mismatch', async () => {
    const d = await day('2026-05-01');
    await d.commit();
    accruals.set(`haide:MALL-A/P001/${d.s1}`, { amount: 100, reversed: 50 });
    accruals.set(`haide:MALL-A/P001/${d.s2}`, { amount: 50, reversed: 0 });
    redemptions.set(`store-0101/haide:MALL-A/P001/${d.redeem}`, 30);
    lookups.length = 0;

    const res = await get({ businessDate: '2026-05-01', verify: 'ledger' });
    expect(res.statusCode).toBe(200);
    const body = res.json<Verified>();
    expect(body.message).toBe('equal to the ledger');
    expect(body.data.verify).toBe('ledger');
    expect(body.data.mismatches).toEqual([]);
    const [t] = body.data.tills;
    const expected = {
      committed: 3,
      pointsCredited: 150,
      pointsReversed: 50,
      redemptionsCommitted: 1,
      pointsRedeemed: 30,
    };
    expect(t && cacheFigures(t)).toEqual(expected);
    expect(t?.ledger).toEqual(expected);
    // Evaluated, never submitted; the return's sale looked up once for the return, once as a sale.
    expect(lookups.sort()).toEqual(
      [
        `accrual haide:MALL-A/P001/${d.s1}`,
        `accrual haide:MALL-A/P001/${d.s1}`,
        `accrual haide:MALL-A/P001/${d.s2}`,
        `redemption store-0101/haide:MALL-A/P001/${d.redeem}`,
      ].sort(),
    );
    const plain = (await get({ businessDate: '2026-05-01' })).json<Verified>();
    expect(plain.data.tills[0]?.ledger).toBeUndefined();
    expect(plain.data.mismatches).toBeUndefined();
  });

  it('names a cache row edited in Postgres and items the ledger does not have', async () => {
    const d = await day('2026-05-02');
    await d.commit();
    accruals.set(`haide:MALL-A/P001/${d.s1}`, { amount: 100, reversed: 40 }); // one return of 50 in the cache
    // s2 and the redemption are not on the ledger.
    await h.t.db.query(`UPDATE haide_receipts SET points = 120 WHERE pos_no = 'P001' AND flow_no = $1`, [d.s1]);

    const res = await get({ businessDate: '2026-05-02', verify: 'ledger' });
    expect(res.statusCode).toBe(200);
    const body = res.json<Verified>();
    expect(body.message).toBe('4 mismatches');
    expect(body.data.mismatches).toEqual(
      [
        { posNo: 'P001', flowNo: d.s1, kind: 'sale', field: 'points', cache: 120, ledger: 100 },
        { posNo: 'P001', flowNo: d.s2, kind: 'sale', field: 'points', cache: 50, ledger: null },
        { posNo: 'P001', flowNo: d.ret, kind: 'return', field: 'reversed', cache: 50, ledger: 40 },
        { posNo: 'P001', flowNo: d.redeem, kind: 'redeem', field: 'points', cache: 30, ledger: null },
      ].sort((x, y) => x.flowNo.localeCompare(y.flowNo)),
    );
    const [t] = body.data.tills;
    expect(t && cacheFigures(t)).toEqual({
      committed: 3,
      pointsCredited: 170,
      pointsReversed: 50,
      redemptionsCommitted: 1,
      pointsRedeemed: 30,
    });
    expect(t?.ledger).toEqual({
      committed: 2,
      pointsCredited: 100,
      pointsReversed: 40,
      redemptionsCommitted: 0,
      pointsRedeemed: 0,
    });
  });

  it('checks the day’s adjustments: a credit by its accrual, a debit by GetAdjustment; names what differs', async () => {
    const credit = await adjustment('2026-05-04', 'ADJ-1', 25);
    const debit = await adjustment('2026-05-04', 'ADJ-2', -10);
    accruals.set(credit, { amount: 25, reversed: 0 });
    adjustments.set(debit, 10);
    lookups.length = 0;
    const res = await get({ businessDate: '2026-05-04', verify: 'ledger' });
    expect(res.statusCode).toBe(200);
    const body = res.json<Verified>();
    expect(body.message).toBe('equal to the ledger');
    expect(body.data.adjustments).toMatchObject({ committed: 2, pointsCredited: 25, pointsDebited: 10 });
    expect(body.data.adjustments.ledger).toEqual({ committed: 2, pointsCredited: 25, pointsDebited: 10 });
    expect(lookups.sort()).toEqual([`accrual ${credit}`, `adjustment ${debit}`]);
    const plain = (await get({ businessDate: '2026-05-04' })).json<Verified>();
    expect(plain.data.adjustments.ledger).toBeUndefined();

    // The ledger holds another amount for the credit, and no record of a second debit.
    accruals.set(credit, { amount: 20, reversed: 0 });
    const missing = await adjustment('2026-05-04', 'ADJ-3', -5);
    const off = (await get({ businessDate: '2026-05-04', verify: 'ledger' })).json<Verified>();
    expect(off.message).toBe('2 mismatches');
    expect(off.data.mismatches).toEqual([
      { posNo: '', flowNo: 'ADJ-1', kind: 'adjust', field: 'points', cache: 25, ledger: 20 },
      { posNo: '', flowNo: 'ADJ-3', kind: 'adjust', field: 'points', cache: 5, ledger: null },
    ]);
    expect(off.data.adjustments.ledger).toEqual({ committed: 2, pointsCredited: 20, pointsDebited: 10 });
    expect(missing).toBe('haide-adjust:MALL-A/ADJ-3');
  });

  it('refuses a bad verify value with 400 naming it', async () => {
    for (const verify of ['cache', 'LEDGER', '']) {
      const res = await get({ businessDate: '2026-05-01', verify });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ success: boolean; message: string }>()).toMatchObject({
        success: false,
        message: expect.stringContaining('verify must be "ledger"') as unknown,
      });
    }
  });

  it(`refuses with 413 a day of more than ${VERIFY_LEDGER_MAX_ITEMS} committed items, looking nothing up`, async () => {
    await h.t.db.query(
      `INSERT INTO intake_items (tracking_id, kind, natural_key, content_hash, payload, fn, args, status, created_at)
       SELECT gen_random_uuid(), $1, 'MALL-A/P009/BULK' || g, repeat('0', 64), jsonb_build_object('posNo', 'P009', 'flowNo', 'BULK' || g, 'points', 1),
         'points:Redeem', '[]'::jsonb, 'committed', '2026-05-03T04:00:00Z'
       FROM generate_series(1, $2::int) g`,
      [REDEEM_KIND, VERIFY_LEDGER_MAX_ITEMS + 1],
    );
    lookups.length = 0;
    const res = await get({ businessDate: '2026-05-03', verify: 'ledger' });
    expect(res.statusCode).toBe(413);
    expect(res.json<{ message: string }>().message).toContain(`more than the ${VERIFY_LEDGER_MAX_ITEMS}`);
    expect(lookups).toEqual([]);
    // Without verify the day's figures are still answered from the cache.
    const plain = await get({ businessDate: '2026-05-03' });
    expect(plain.json<Verified>().data.tills[0]).toMatchObject({
      posNo: 'P009',
      redemptionsCommitted: VERIFY_LEDGER_MAX_ITEMS + 1,
    });
  });
});
