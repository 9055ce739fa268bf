import { LedgerError } from '../../src/ledger/ledger.port';
import { type HaideHarness, MEMBER_DID, startHaide } from './haide-support';

describe('POST /haide/v1/member/query (real Postgres, HTTP, balances from the fake peer)', () => {
  let h: HaideHarness;
  const asked: string[] = [];
  beforeAll(async () => {
    h = await startHaide();
    h.t.ledger.queries.set('points:GetBalance', (args) => {
      asked.push(args[0] ?? '');
      return {
        member: MEMBER_DID,
        balances: [
          { programId: 'mallA-points', available: 120, pending: 30, expiringSoon: 5 },
          { programId: 'other-mall', available: 999, pending: 0, expiringSoon: 0 },
        ],
      };
    });
  });
  afterAll(() => h.t.close());

  const query = (data: unknown): ReturnType<HaideHarness['post']> => h.post('member/query', h.envelope(data));

  it('finds a member by card, mobile and memberId, with the points of this mall’s program', async () => {
    const byCard = await query({ accountType: 'cardNo', accountValue: 'C0001' });
    expect(byCard.statusCode).toBe(200);
    const body = byCard.json<{ success: boolean; data: { memberId: string } }>();
    expect(body).toMatchObject({
      success: true,
      statusCode: '0',
      data: {
        did: MEMBER_DID,
        points: { available: 120, pending: 30, expiringWithin30Days: 5 },
        cards: [{ cardNo: 'C0001', status: 'active' }],
      },
    });
    expect(JSON.stringify(body)).not.toContain('张三');
    expect(JSON.parse(asked[0] ?? '{}')).toEqual({ member: MEMBER_DID, expiringWithinDays: 30 });
    const byMobile = await query({ accountType: 'mobile', accountValue: '13800138000' });
    expect(byMobile.json()).toMatchObject({ data: { memberId: body.data.memberId } });
    const byId = await query({ accountType: 'memberId', accountValue: body.data.memberId });
    expect(byId.json()).toMatchObject({ data: { did: MEMBER_DID } });
  });

  it('answers 404 for an unknown account and 400 for a bad query, in the Haide body', async () => {
    const unknown = await query({ accountType: 'cardNo', accountValue: 'C9999' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ success: false, statusCode: '404', data: null });
    const bad = await query({ accountType: 'email', accountValue: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toContain('accountType');
  });

  it('answers 503 when the peer cannot be asked', async () => {
    h.t.ledger.queries.set('points:GetBalance', () => {
      throw new LedgerError('peer down');
    });
    const res = await query({ accountType: 'cardNo', accountValue: 'C0001' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ success: false, statusCode: '503', message: 'LEDGER_UNAVAILABLE: peer down' });
  });
});
