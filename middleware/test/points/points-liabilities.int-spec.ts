import { type ReadModelHarness, startReadModel } from './read-model-support';

const DAY = 86_400_000;

/** `GET /v1/points/liabilities` on the projected tables of a real Postgres (rows as the projection writes them). */
describe('points liabilities per program (real Postgres)', () => {
  let h: ReadModelHarness;

  beforeAll(async () => {
    h = await startReadModel();
    await h.program('lia-a', 'MallAMSP', 3, 'lia-a rewards');
    await h.program('lia-b', 'MallBMSP', 10, 'lia-b rewards');
    const balance = (member: string, programId: string, remaining: number): Promise<unknown> =>
      h.t.db.query(`INSERT INTO points_balances (member, program_id, remaining, block_number) VALUES ($1, $2, $3, 2)`, [
        member,
        programId,
        remaining,
      ]);
    await balance('did:mallchain:m1', 'lia-a', 700);
    await balance('did:mallchain:m2', 'lia-a', 300);
    const lot = (id: string, remaining: number, expiresInDays: number, live = true): Promise<unknown> =>
      h.t.db.query(
        `INSERT INTO points_lots (lot_id, member, program_id, origin, source_ref, amount, remaining, redeemed, reversed,
           expired, moved_out, earned_at, available_at, expires_at, live, ledger_key, tx_id, block_number)
         VALUES ($1, 'did:mallchain:m1', 'lia-a', 'accrual', $1, $2, $2, 0, 0, 0, 0, now() - interval '1 day',
           now() - interval '1 day', $3, $4, 'lot~' || $1, 'tx-' || $1, 2)`,
        [id, remaining, new Date(Date.now() + expiresInDays * DAY), live],
      );
    await lot('soon', 120, 10);
    await lot('later', 400, 60);
    await lot('gone', 50, 5, false);
    await lot('past', 30, -1);
  });
  afterAll(() => h.t.close());

  it('answers outstanding × unit value per program and the live points expiring within 30 days', async () => {
    const r = await h.get('/v1/points/liabilities');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual([
      {
        programId: 'lia-a',
        issuer: 'MallAMSP',
        name: 'lia-a rewards',
        unitValueFen: 3,
        outstanding: 1000,
        liabilityFen: 3000,
        expiringSoon: 120,
        expiringWithinDays: 30,
      },
      {
        programId: 'lia-b',
        issuer: 'MallBMSP',
        name: 'lia-b rewards',
        unitValueFen: 10,
        outstanding: 0,
        liabilityFen: 0,
        expiringSoon: 0,
        expiringWithinDays: 30,
      },
    ]);
  });

  it('needs points:read (401 without a key, 403 naming the scope)', async () => {
    expect((await h.t.app.inject({ url: '/v1/points/liabilities' })).statusCode).toBe(401);
    const r = await h.get('/v1/points/liabilities', await h.t.key(['devices:write']));
    expect(r.statusCode).toBe(403);
    expect(JSON.stringify(r.json())).toMatch(/points:read/);
  });
});
