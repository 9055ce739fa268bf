import { FakeLedger } from '../support/fake-ledger';
import { startTestApp, type TestApp } from '../support/test-app';

const DAY = 86_400_000;

/** `GET /v1/points/liabilities` on the projected tables of a real Postgres (rows as the projection writes them). */
describe('points liabilities per program (real Postgres)', () => {
  let t: TestApp;
  let read: string;

  beforeAll(async () => {
    t = await startTestApp({}, new FakeLedger());
    read = await t.key(['points:read']);
    const program = (id: string, issuer: string, unit: number): Promise<unknown> =>
      t.db.query(
        `INSERT INTO points_programs (program_id, issuer, name, unit_value_fen, next_unit_value, expiry_months,
           return_window_days, created_at, updated_at, ledger_key, tx_id, block_number)
         VALUES ($1, $2, $1 || ' rewards', $3, 'null'::jsonb, 24, 7, now(), now(), 'program~' || $1, 'tx-' || $1, 1)`,
        [id, issuer, unit],
      );
    await program('lia-a', 'MallAMSP', 3);
    await program('lia-b', 'MallBMSP', 10);
    const balance = (member: string, programId: string, remaining: number): Promise<unknown> =>
      t.db.query(`INSERT INTO points_balances (member, program_id, remaining, block_number) VALUES ($1, $2, $3, 2)`, [
        member,
        programId,
        remaining,
      ]);
    await balance('did:mallchain:m1', 'lia-a', 700);
    await balance('did:mallchain:m2', 'lia-a', 300);
    const lot = (id: string, remaining: number, expiresInDays: number, live = true): Promise<unknown> =>
      t.db.query(
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
  afterAll(() => t.close());

  it('answers outstanding × unit value per program and the live points expiring within 30 days', async () => {
    const r = await t.app.inject({ url: '/v1/points/liabilities', headers: { 'x-api-key': read } });
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
    expect((await t.app.inject({ url: '/v1/points/liabilities' })).statusCode).toBe(401);
    const other = await t.key(['devices:write']);
    const r = await t.app.inject({ url: '/v1/points/liabilities', headers: { 'x-api-key': other } });
    expect(r.statusCode).toBe(403);
    expect(JSON.stringify(r.json())).toMatch(/points:read/);
  });
});
