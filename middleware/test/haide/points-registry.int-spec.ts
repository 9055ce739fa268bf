import { type HaideHarness, MEMBER_DID, startHaide } from './haide-support';

describe('points registries: tills, earn rules, members (real Postgres, HTTP)', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide();
  });
  afterAll(() => h.t.close());

  const call = (
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    payload?: object,
    key = h.writer,
  ): ReturnType<HaideHarness['t']['app']['inject']> =>
    h.t.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload ? { payload } : {}) });

  it('lists, changes and removes tills; refuses bad codes and categories and keys without points:write', async () => {
    const list = await call('GET', '/v1/points/tills?orgCode=MALL-A');
    expect(list.json()).toEqual([
      {
        orgCode: 'MALL-A',
        posNo: 'P001',
        merchantId: 'store-0101',
        tenant: 'Tea House',
        programId: 'mallA-points',
        category: 'food',
      },
    ]);
    const till = { merchantId: 'park-1', tenant: 'Parking', programId: 'mallA-points', category: 'parking' };
    expect((await call('PUT', '/v1/points/tills/MALL-A/P002', till)).statusCode).toBe(200);
    const badCategory = await call('PUT', '/v1/points/tills/MALL-A/P003', { ...till, category: 'casino' });
    expect(badCategory.statusCode).toBe(400);
    expect(badCategory.json<{ message: string }>().message).toContain('category');
    expect((await call('PUT', '/v1/points/tills/MALL-A/P%20X', till)).statusCode).toBe(400);
    const reader = await h.t.key(['points:read']);
    expect((await call('PUT', '/v1/points/tills/MALL-A/P004', till, reader)).statusCode).toBe(403);
    expect((await call('DELETE', '/v1/points/tills/MALL-A/P002')).statusCode).toBe(204);
    expect((await call('DELETE', '/v1/points/tills/MALL-A/P002')).statusCode).toBe(404);
    const rows = await h.t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM points_tills`);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('keeps earn rules and refuses bad rates, multipliers and unknown categories', async () => {
    expect((await call('GET', '/v1/points/earn-rules/mallA-points')).json()).toMatchObject({ pointsPerYuan: '1' });
    const rule = { pointsPerYuan: '0.5', rounding: 'round', categoryMultipliers: {}, excludedPayCls: ['points'] };
    for (const [bad, msg] of [
      [{ ...rule, pointsPerYuan: '0.00001' }, 'pointsPerYuan'],
      [{ ...rule, rounding: 'bankers' }, 'rounding'],
      [{ ...rule, categoryMultipliers: { food: '1.234' } }, 'categoryMultipliers.food'],
      [{ ...rule, categoryMultipliers: { casino: '2' } }, 'categoryMultipliers.casino: unknown category'],
    ] as const) {
      const res = await call('PUT', '/v1/points/earn-rules/p2', bad);
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string }>().message).toContain(msg);
    }
    expect((await call('GET', '/v1/points/earn-rules/p2')).statusCode).toBe(404);
    expect((await call('PUT', '/v1/points/earn-rules/p2', rule)).json()).toEqual({ programId: 'p2', ...rule });
  });

  it('seals members’ personal data and card numbers, serves them decrypted, refuses a card enrolled twice', async () => {
    const created = await call('POST', '/v1/points/members', {
      did: 'did:mallchain:member2',
      name: '李四',
      mobile: '13900139000',
      cardNos: ['C0002', 'C0003'],
    });
    expect(created.statusCode).toBe(201);
    const m = created.json<{ memberId: string }>();
    const got = await call('GET', `/v1/points/members/${m.memberId}`);
    expect(got.json()).toMatchObject({
      did: 'did:mallchain:member2',
      name: '李四',
      mobile: '13900139000',
      cards: [
        { cardNo: 'C0002', status: 'active' },
        { cardNo: 'C0003', status: 'active' },
      ],
    });
    const dump = JSON.stringify(
      await h.t.db.query(`SELECT m.*, encode(m.name_sealed, 'escape') AS n, c.*, encode(c.card_sealed, 'escape') AS c
        FROM members m JOIN member_cards c ON c.member_id = m.id`),
    );
    for (const secret of ['李四', '13900139000', 'C0002', 'C0003', '张三', '13800138000', 'C0001'])
      expect(dump).not.toContain(secret);
    expect(dump).toContain(MEMBER_DID);
    const twice = await call('POST', '/v1/points/members', { did: 'did:mallchain:member3', cardNos: ['C0002'] });
    expect(twice.statusCode).toBe(409);
    const none = await h.t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM members WHERE did = 'did:mallchain:member3'`,
    );
    expect(none).toEqual([{ n: 0 }]);
    expect((await call('POST', '/v1/points/members', { did: 'not-a-did', cardNos: ['X1'] })).statusCode).toBe(400);
  });
});
