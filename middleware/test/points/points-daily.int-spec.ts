import type { LightMyRequestResponse } from 'fastify';
import { type ReadModelHarness, startReadModel } from './read-model-support';

interface Answer {
  days: { day: string; accrued: number }[];
}

const zero = { accrued: 0, accruals: 0, reversed: 0, reversals: 0, redeemed: 0, redemptions: 0 };

/** `GET /v1/points/daily` on the projected tables of a real Postgres (rows as the projection writes them). */
describe('points accrued, reversed and redeemed per Asia/Shanghai day (real Postgres)', () => {
  let h: ReadModelHarness;
  const get = (query: string, key?: string): Promise<LightMyRequestResponse> => h.get(`/v1/points/daily?${query}`, key);

  beforeAll(async () => {
    h = await startReadModel();
    for (const id of ['day-a', 'day-b']) await h.program(id, 'MallAMSP', 1);
    const accrual = (programId: string, ref: string, amount: number, at: string): Promise<unknown> =>
      h.t.db.query(
        `INSERT INTO points_accruals (program_id, source_ref, member, amount, merchant, lot_id, reversed, earned_at,
           accrual_tx_id, ledger_key, tx_id, block_number)
         VALUES ($1, $2, 'did:mallchain:m1', $3, 'store-1', 'lot-' || $2, 0, $4, 'tx-' || $2, 'acc~' || $2,
           'tx-' || $2, 2)`,
        [programId, ref, amount, at],
      );
    const reversal = (programId: string, ref: string, amount: number, at: string): Promise<unknown> =>
      h.t.db.query(
        `INSERT INTO points_reversals (program_id, reversal_ref, source_ref, member, lot_id, amount, at, ledger_key,
           tx_id, block_number)
         VALUES ($1, $2, 'src', 'did:mallchain:m1', 'lot-x', $3, $4, 'rev~' || $2, 'tx-' || $2, 3)`,
        [programId, ref, amount, at],
      );
    const redemption = (programId: string, ref: string, amount: number, at: string): Promise<unknown> =>
      h.t.db.query(
        `INSERT INTO points_redemptions (merchant, ref, mall, program_id, issuer, member, amount, value_fen, takes,
           clearing_key, at, ledger_key, tx_id, block_number)
         VALUES ('store-1', $2, 'MallAMSP', $1, 'MallAMSP', 'did:mallchain:m1', $3, $3, '[]'::jsonb, NULL, $4,
           'red~' || $2, 'tx-' || $2, 4)`,
        [programId, ref, amount, at],
      );
    // Shanghai is UTC+8: 15:59:59Z is 23:59:59 of the same day there, 16:00:00Z the next day's midnight.
    await accrual('day-a', 'before', 1000, '2026-11-01T15:59:59Z'); // 11-01: outside
    await accrual('day-a', 'a1', 100, '2026-11-01T16:00:00Z'); // 11-02 00:00
    await accrual('day-a', 'a2', 50, '2026-11-02T15:59:59Z'); // 11-02 23:59:59
    await accrual('day-a', 'a3', 7, '2026-11-02T16:00:00Z'); // 11-03
    await accrual('day-a', 'after', 1000, '2026-11-04T16:00:00Z'); // 11-05: outside
    await accrual('day-b', 'other', 999, '2026-11-02T04:00:00Z'); // another program
    await reversal('day-a', 'v1', 20, '2026-11-02T01:00:00Z'); // 11-02
    await reversal('day-b', 'v2', 5, '2026-11-02T01:00:00Z');
    await redemption('day-a', 'r1', 30, '2026-11-03T17:00:00Z'); // 11-04
    await redemption('day-a', 'r2', 12, '2026-11-04T15:00:00Z'); // 11-04
    await redemption('day-b', 'r3', 8, '2026-11-04T15:00:00Z');
  });
  afterAll(() => h.t.close());

  it('sums each Asia/Shanghai day of the range (both ends included), every day listed, other programs not', async () => {
    const r = await get('programId=day-a&from=2026-11-02&to=2026-11-04');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      programId: 'day-a',
      timeZone: 'Asia/Shanghai',
      from: '2026-11-02',
      to: '2026-11-04',
      days: [
        { ...zero, day: '2026-11-02', accrued: 150, accruals: 2, reversed: 20, reversals: 1 },
        { ...zero, day: '2026-11-03', accrued: 7, accruals: 1 },
        { ...zero, day: '2026-11-04', redeemed: 42, redemptions: 2 },
      ],
    });
  });

  it('answers one day, and a known program without any flow as zeros', async () => {
    const one = await get('programId=day-a&from=2026-11-05&to=2026-11-05');
    expect(one.json<Answer>().days).toEqual([{ ...zero, day: '2026-11-05', accrued: 1000, accruals: 1 }]);
    const none = await get('programId=day-b&from=2026-12-01&to=2026-12-02');
    expect(none.json<Answer>().days).toEqual([
      { ...zero, day: '2026-12-01' },
      { ...zero, day: '2026-12-02' },
    ]);
  });

  it('accepts 92 days and lists each', async () => {
    const r = await get('programId=day-a&from=2026-10-01&to=2026-12-31');
    expect(r.statusCode).toBe(200);
    const days = r.json<Answer>().days;
    expect(days).toHaveLength(92);
    expect(days[0]?.day).toBe('2026-10-01');
    expect(days[91]?.day).toBe('2026-12-31');
    expect(days.reduce((s, d) => s + d.accrued, 0)).toBe(2157);
  });

  it.each([
    ['from=2026-11-02&to=2026-11-04', /programId/],
    ['programId=day-a&to=2026-11-04', /from must be a day/],
    ['programId=day-a&from=2026-11-02T00:00:00Z&to=2026-11-04', /from must be a day/],
    ['programId=day-a&from=2026-11-02&to=04.11.2026', /to must be a day/],
    ['programId=day-a&from=2026-02-30&to=2026-03-04', /from must be a real day/],
    ['programId=day-a&from=2026-11-02&to=2026-13-01', /to must be a real day/],
    ['programId=day-a&from=2026-11-05&to=2026-11-04', /from must not be after to/],
    ['programId=day-a&from=2026-10-01&to=2027-01-01', /93 days; at most 92/],
    ['programId=bad%20id&from=2026-11-02&to=2026-11-04', /programId must be a ledger ID/],
  ])('refuses %s with 400 naming what is wrong', async (query, message) => {
    const r = await get(query);
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json())).toMatch(message);
  });

  it('answers 404 for a program the read model does not know', async () => {
    const r = await get('programId=no-such&from=2026-11-02&to=2026-11-04');
    expect(r.statusCode).toBe(404);
    expect(JSON.stringify(r.json())).toMatch(/program/);
  });

  it('needs points:read (401 without a key, 403 naming the scope)', async () => {
    expect(
      (await h.t.app.inject({ url: '/v1/points/daily?programId=day-a&from=2026-11-02&to=2026-11-02' })).statusCode,
    ).toBe(401);
    const r = await get('programId=day-a&from=2026-11-02&to=2026-11-02', await h.t.key(['devices:write']));
    expect(r.statusCode).toBe(403);
    expect(JSON.stringify(r.json())).toMatch(/points:read/);
  });
});
