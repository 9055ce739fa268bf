import { type Answer, type HaideHarness, MEMBER_DID, type Result, sale, startHaide } from './haide-support';

describe('POST /haide/v1/sales: receipts → points through the durable intake (real Postgres, HTTP)', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide();
  });
  afterAll(() => h.t.close());

  const push = async (data: unknown): Promise<{ status: number; body: Answer<Result> }> => {
    const res = await h.post('sales', h.envelope(data));
    return { status: res.statusCode, body: res.json<Answer<Result>>() };
  };
  const item = async (key: string): Promise<{ fn: string; args: string[] } | undefined> =>
    (
      await h.t.db.query<{ fn: string; args: string[] }[]>(
        `SELECT fn, args FROM intake_items WHERE kind = 'haide.receipt' AND natural_key = $1`,
        [key],
      )
    )[0];

  it('accrues by the earn rule (coupon excluded, food ×2) as points:Accrue through the intake', async () => {
    const r = sale();
    const { status, body } = await push(r);
    expect(status).toBe(202);
    expect(body).toMatchObject({ success: true, statusCode: '0', data: { status: 'accepted', points: 200 } });
    expect(body.data.trackingId).toMatch(/^[0-9a-f-]{36}$/);
    const flowNo = r.flowNo as string;
    expect(await item(`MALL-A/P001/${flowNo}`)).toEqual({
      fn: 'points:Accrue',
      args: [
        JSON.stringify({
          amount: 200,
          member: MEMBER_DID,
          merchant: 'store-0101',
          programId: 'mallA-points',
          sourceRef: `haide:MALL-A/P001/${flowNo}`,
        }),
      ],
    });
    const rows = await h.t.db.query<{ real_amt_fen: string; business_date: string }[]>(
      `SELECT real_amt_fen::text, business_date::text FROM haide_receipts WHERE flow_no = $1`,
      [flowNo],
    );
    expect(rows).toEqual([{ real_amt_fen: '12850', business_date: '2026-03-01' }]);
  });

  it('takes the POS score when present; no card means no points and no ledger call', async () => {
    const scored = await push(sale({ score: 7 }));
    expect(scored.body.data).toMatchObject({ status: 'accepted', points: 7 });
    const anonymous = sale({ cardNo: undefined });
    const res = await push(anonymous);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'accepted', points: 0, trackingId: null });
    expect(await item(`MALL-A/P001/${anonymous.flowNo as string}`)).toBeUndefined();
  });

  it('answers the same receipt again as a duplicate with the original outcome, other content as 409', async () => {
    const r = sale();
    const first = await push(r);
    const again = await push(r);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ ...first.body.data, status: 'duplicate', message: 'duplicate' });
    const changed = await push({ ...r, realAmt: '1.00' });
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({ success: false, statusCode: '409' });
    expect(changed.body.message).toContain('other content');
    const n = await h.t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_items WHERE natural_key = $1`,
      [`MALL-A/P001/${r.flowNo as string}`],
    );
    expect(n).toEqual([{ n: 1 }]);
  });

  it('credits once when the same receipt is pushed concurrently', async () => {
    const r = sale();
    const answers = await Promise.all(Array.from({ length: 6 }, () => push(r)));
    expect(answers.filter((a) => a.body.data.status === 'accepted')).toHaveLength(1);
    expect(answers.filter((a) => a.body.data.status === 'duplicate')).toHaveLength(5);
    expect(new Set(answers.map((a) => a.body.data.trackingId)).size).toBe(1);
  });

  it('refuses a single bad receipt with 400 naming the field, storing nothing', async () => {
    const before = await h.count('haide_receipts');
    const cases: [Record<string, unknown>, string][] = [
      [sale({ ocrTime: '2026.02.30 10:00:00' }), 'ocrTime must be an existing time'],
      [sale({ realAmt: '12.345' }), 'realAmt must be a decimal string'],
      [sale({ realAmt: 12.5 }), 'realAmt must be a decimal string'],
      [sale({ posNo: 'P 1' }), 'posNo must be'],
      [sale({ txType: 'VOID' }), 'txType must be SALE or RETURN'],
      [sale({ score: 1.5 }), 'score must be an integer'],
      [sale({ backFlowNo: 'F1' }), 'backFlowNo is only for a RETURN'],
      [sale({ payments: [{ line: 1, payment: 'X', payCls: 'cash', total: '-1' }] }), 'payments.0.total must be'],
      [sale({ colour: 'red' }), 'colour: property colour should not exist'],
      [sale({ posNo: 'P404' }), 'posNo P404: unknown till of MALL-A'],
      [sale({ cardNo: 'C9999' }), 'cardNo C9999: no member has this card'],
    ];
    for (const [r, message] of cases) {
      const res = await push(r);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, statusCode: '400', data: { status: 'rejected' } });
      expect(res.body.data.message).toContain(message);
    }
    expect(await h.count('haide_receipts')).toBe(before);
  });

  it('stores the good receipts of a batch and names each bad one', async () => {
    const good = [sale(), sale({ score: 3 })];
    const bad = [sale({ posNo: 'P404' }), sale({ cardNo: 'C9999' }), sale({ ocrTime: 'yesterday' })];
    const res = await push({ receipts: [good[0], bad[0], good[1], bad[1], bad[2]] });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('2 accepted, 0 duplicate, 3 rejected');
    const results = (res.body.data as unknown as { receipts: Result[] }).receipts;
    expect(results.map((x) => x.status)).toEqual(['accepted', 'rejected', 'accepted', 'rejected', 'rejected']);
    expect(results[1]?.message).toContain('unknown till');
    expect(results[3]?.message).toContain('C9999');
    expect(results[4]?.message).toContain('receipts.4.ocrTime');
    const stored = await h.t.db.query<{ flow_no: string }[]>(
      `SELECT flow_no FROM haide_receipts WHERE flow_no = ANY($1) ORDER BY flow_no`,
      [[...good, ...bad].map((r) => r.flowNo)],
    );
    expect(stored.map((s) => s.flow_no)).toEqual(good.map((r) => r.flowNo as string).sort());
  });

  it('refuses a batch of more than 1,000 receipts and a malformed data', async () => {
    const tooMany = Array.from({ length: 1001 }, () => ({ posNo: 'P001' }));
    const res = await h.post('sales', h.envelope({ receipts: tooMany }));
    expect(res.statusCode).toBe(400);
    expect(res.json<Answer>().message).toContain('no more than 1000');
    expect((await h.post('sales', h.envelope({ receipts: [] }))).statusCode).toBe(400);
  });

  it('reverses returns in proportion, the completing return takes the remainder, never more than credited', async () => {
    // 300.00 paid by wechat, food ×2 → 600 points.
    const s = sale({ realAmt: '300.00', payments: [{ line: 1, payment: 'WX', payCls: 'wechat', total: '300.00' }] });
    expect((await push(s)).body.data.points).toBe(600);
    const ret = (realAmt: string): Record<string, unknown> =>
      sale({ txType: 'RETURN', backFlowNo: s.flowNo, backTime: s.ocrTime, realAmt, cardNo: undefined, payments: [] });
    const r1 = ret('100.01');
    const first = await push(r1);
    expect(first.status).toBe(202);
    expect(first.body.data.points).toBe(200); // floor(600 × 10001 / 30000) = 200
    expect(await item(`MALL-A/P001/${r1.flowNo as string}`)).toEqual({
      fn: 'points:Reverse',
      args: [
        JSON.stringify({
          amount: 200,
          programId: 'mallA-points',
          reversalRef: `haide:MALL-A/P001/${r1.flowNo as string}`,
          sourceRef: `haide:MALL-A/P001/${s.flowNo as string}`,
        }),
      ],
    });
    const over = await push(ret('200.00'));
    expect(over.status).toBe(400);
    expect(over.body.data.message).toContain('more than the 19999 fen left');
    const rest = await push(ret('199.99'));
    expect(rest.body.data.points).toBe(400);
    const nothingLeft = await push(ret('0.01'));
    expect(nothingLeft.body.data.message).toContain('more than the 0 fen left');
  });

  it('decides concurrent returns of one sale one at a time (never more reversed than credited)', async () => {
    const s = sale({ realAmt: '100.00', payments: [{ line: 1, payment: 'WX', payCls: 'wechat', total: '100.00' }] });
    expect((await push(s)).body.data.points).toBe(200);
    const returns = Array.from({ length: 5 }, () =>
      sale({ txType: 'RETURN', backFlowNo: s.flowNo, backTime: s.ocrTime, realAmt: '30.00', payments: [] }),
    );
    const answers = await Promise.all(returns.map((r) => push(r)));
    const accepted = answers.filter((a) => a.body.data.status === 'accepted');
    expect(accepted).toHaveLength(3); // 3 × 30.00 fit in 100.00, a 4th does not
    expect(accepted.reduce((sum, a) => sum + a.body.data.points, 0)).toBe(180);
  });

  it('rejects a return naming a return or itself as its sale, naming backFlowNo (parking waits only for sales)', async () => {
    const s = sale();
    expect((await push(s)).status).toBe(202);
    const r1 = sale({ txType: 'RETURN', backFlowNo: s.flowNo, backTime: s.ocrTime, realAmt: '1.00' });
    expect((await push(r1)).status).toBe(202);
    const ofReturn = await push(
      sale({ txType: 'RETURN', backFlowNo: r1.flowNo, backTime: s.ocrTime, realAmt: '1.00' }),
    );
    expect(ofReturn.status).toBe(400);
    expect(ofReturn.body.data.message).toContain(
      `backFlowNo ${r1.flowNo as string}: P001/${r1.flowNo as string} is a return`,
    );
    const self = sale({ txType: 'RETURN', backTime: s.ocrTime, realAmt: '1.00' });
    const selfRes = await push({ ...self, backFlowNo: self.flowNo });
    expect(selfRes.status).toBe(400);
    expect(selfRes.body.data.message).toContain("backFlowNo must name the sale, not the return's own flowNo");
    const stored = await h.t.db.query<unknown[]>(`SELECT 1 FROM haide_receipts WHERE flow_no = $1`, [self.flowNo]);
    expect(stored).toHaveLength(0);
  });
});
