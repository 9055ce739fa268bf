import type { LightMyRequestResponse } from 'fastify';
import { type ReadModelHarness, startReadModel } from './read-model-support';

/** `GET /v1/points/clearing/net` on projected clearing rows of a real Postgres: the window netted per pair and mall. */
describe('the clearing window netted (real Postgres)', () => {
  let h: ReadModelHarness;
  const get = (query: string, key?: string): Promise<LightMyRequestResponse> =>
    h.get(`/v1/points/clearing/net?${query}`, key);

  beforeAll(async () => {
    h = await startReadModel();
    const entry = (n: number, debtor: string, creditor: string, amountFen: number, at: string): Promise<unknown> =>
      h.t.db.query(
        `INSERT INTO points_clearing (kind, debtor, creditor, amount_fen, points, program_id, ref, at, ledger_key,
           tx_id, block_number)
         VALUES ('redemption', $2, $3, $4, $4, 'p', 'ref-' || $1, $5, 'clr~' || $1, 'tx-' || $1, 5)`,
        [String(n), debtor, creditor, amountFen, at],
      );
    await entry(1, 'MallBMSP', 'MallAMSP', 5900, '2026-11-03T10:00:00Z');
    await entry(2, 'MallAMSP', 'MallBMSP', 1770, '2026-11-04T10:00:00Z');
    await entry(3, 'MallCMSP', 'MallBMSP', 300, '2026-11-30T23:59:59.999Z');
    await entry(4, 'MallAMSP', 'MallCMSP', 9999, '2026-12-01T00:00:00Z'); // the window's end is exclusive
    await entry(5, 'MallAMSP', 'MallBMSP', 9999, '2026-10-31T23:59:59.999Z'); // before the window
  });
  afterAll(() => h.t.close());

  it('sets the entries both ways off per pair and gives each mall its net (they sum to zero)', async () => {
    const r = await get('from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      from: '2026-11-01T00:00:00Z',
      to: '2026-12-01T00:00:00Z',
      entries: 3,
      owed: [
        { debtor: 'MallBMSP', creditor: 'MallAMSP', amountFen: 4130 },
        { debtor: 'MallCMSP', creditor: 'MallBMSP', amountFen: 300 },
      ],
      positions: [
        { mall: 'MallAMSP', receivableFen: 5900, payableFen: 1770, netFen: 4130 },
        { mall: 'MallBMSP', receivableFen: 2070, payableFen: 5900, netFen: -3830 },
        { mall: 'MallCMSP', receivableFen: 0, payableFen: 300, netFen: -300 },
      ],
    });
    const empty = await get('from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z');
    expect(empty.json()).toMatchObject({ entries: 0, owed: [], positions: [] });
  });

  it.each([
    ['to=2026-12-01T00:00:00Z', /from must be an ISO-8601 time/],
    ['from=2026-11-01T00:00:00Z&to=soon', /to must be an ISO-8601 time/],
    ['from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&consistency=peer', /consistency must be one of/],
    ['from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&mall=MallAMSP', /property mall should not exist/],
  ])('refuses %s: 400 %s', async (query, message) => {
    const r = await get(query);
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json())).toMatch(message);
  });

  it('needs points:read', async () => {
    const other = await h.t.key(['notes:write']);
    expect((await get('from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z', other)).statusCode).toBe(403);
  });

  it('lists the statements waiting for the key’s mall: a position there and no confirmation of it', async () => {
    const statement = (id: string, malls: string[]): Promise<unknown> =>
      h.t.db.query(
        `INSERT INTO points_statements (period_id, period_from, period_to, entries, gross, positions, payments,
           closed_by, closed_at, ledger_key, tx_id, block_number)
         VALUES ($1, $2, $3, 1, '[]'::jsonb, $4::jsonb, '[]'::jsonb, 'MallBMSP', $3, 'st~' || $1, 'tx-' || $1, 6)`,
        [
          `${id}..x`,
          `2026-0${id}-01T00:00:00Z`,
          `2026-0${id}-02T00:00:00Z`,
          JSON.stringify(malls.map((mall) => ({ mall, receivableFen: 0, payableFen: 0, netFen: 0 }))),
        ],
      );
    const confirmed = (id: string, mall: string): Promise<unknown> =>
      h.t.db.query(
        `INSERT INTO points_confirmations (period_id, mall, confirmed_at, ledger_key, tx_id, block_number)
         VALUES ($1, $2, now(), 'cf~' || $1 || $2, 'tx-c' || $1 || $2, 7)`,
        [`${id}..x`, mall],
      );
    await statement('1', ['MallAMSP', 'MallBMSP']); // waits for A
    await statement('2', ['MallAMSP', 'MallBMSP']); // A confirmed
    await statement('3', ['MallBMSP', 'MallCMSP']); // A has no position
    await statement('4', ['MallAMSP']); // waits for A, newer
    await confirmed('1', 'MallBMSP');
    await confirmed('2', 'MallAMSP');
    const r = await h.get('/v1/points/statements/awaiting');
    expect(r.statusCode).toBe(200);
    const body = r.json<{ mall: string; statements: { periodId: string }[] }>();
    expect([body.mall, body.statements.map((s) => s.periodId)]).toEqual(['MallAMSP', ['4..x', '1..x']]);
  });
});
