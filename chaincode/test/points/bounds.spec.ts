/**
 * No silent caps: a read that would go past its bound fails with LIMIT_EXCEEDED instead of
 * returning a cut list that callers take as complete (before: 10,000 rows, silently). Empty
 * lots are compacted out of the live range, and history is read newest first by key.
 */
import { MAX_PERIOD_ENTRIES } from '../../src/points/clearing';
import { MAX_RANGE_ROWS } from '../../src/common/state';
import { SETTLEMENT_LAG_MS } from '../../src/points/settlement';
import type { Balance } from '../../src/points/lots';
import type { HistoryLine, Lot } from '../../src/points/model';
import { IDS, Ledger } from '../support/fake-stub';
import { A, AFTER_RETURN_WINDOW, PointsWorld, pointsWorld, signedRedeem } from '../support/points-fixture';

async function accrueLots(w: PointsWorld, count: number, from = 0): Promise<void> {
  for (let start = from; start < from + count; start += 500) {
    const n = Math.min(500, from + count - start);
    const items = Array.from({ length: n }, (_, i) => ({ member: w.alice.did, amount: 1, sourceRef: `d${start + i}` }));
    await w.call('AccrueBatch', { programId: A, items }, IDS.mallAClient);
    w.ledger.advance(1);
  }
}

async function balance(w: PointsWorld): Promise<Balance> {
  const r = await w.call<{ balances: Balance[] }>('GetBalance', { member: w.alice.did, programId: A }, IDS.mallAClient);
  return r.result.balances[0]!;
}

describe('bounded member reads', () => {
  let w: PointsWorld;
  beforeAll(async () => {
    w = await pointsWorld();
    await accrueLots(w, MAX_RANGE_ROWS);
    w.ledger.advance(AFTER_RETURN_WINDOW);
  }, 120_000);

  it('reads a balance of exactly the bound of live lots', async () => {
    expect((await balance(w)).available).toBe(MAX_RANGE_ROWS);
  });

  it('fails loudly one lot past the bound (before: a balance of 10,000 for 10,001 points)', async () => {
    await accrueLots(w, 1, MAX_RANGE_ROWS);
    w.ledger.advance(AFTER_RETURN_WINDOW);
    await expect(balance(w)).rejects.toThrow(`LIMIT_EXCEEDED: more than ${MAX_RANGE_ROWS} live lots of ${w.alice.did}`);
    const before = w.ledger.dump();
    await expect(
      w.call(
        'Redeem',
        signedRedeem(w, w.alice, { merchant: 'a-shoes', ref: 'x', programId: A, amount: 1 }),
        IDS.mallAClient,
      ),
    ).rejects.toThrow('LIMIT_EXCEEDED');
    expect(w.ledger.dump()).toEqual(before);
  });

  it('returns the newest history lines however long the history is', async () => {
    const h = await w.call<HistoryLine[]>('GetHistory', { member: w.alice.did, limit: 3 }, IDS.mallAClient);
    // Before: the first 10,000 (oldest) lines were read and reversed, so the newest was missing.
    expect(h.result.map((l) => l.ref)).toEqual([
      `d${MAX_RANGE_ROWS}`,
      `d${MAX_RANGE_ROWS - 1}`,
      `d${MAX_RANGE_ROWS - 2}`,
    ]);
  });
  it('gets the member out with ConsolidateLots: balance and spending work again (before: no way out)', async () => {
    const first = await w.call<{ merged: number; more: boolean }>(
      'ConsolidateLots',
      { programId: A, member: w.alice.did },
      IDS.mallAClient,
    );
    expect(first.result).toMatchObject({ merged: 500, more: true });
    expect(await balance(w)).toMatchObject({ available: MAX_RANGE_ROWS + 1, pending: 0 });
    await w.call(
      'Redeem',
      signedRedeem(w, w.alice, { merchant: 'a-shoes', ref: 'after', programId: A, amount: 600 }),
      IDS.mallAClient,
    );
    expect((await balance(w)).available).toBe(MAX_RANGE_ROWS + 1 - 600);
  });
});

describe('compaction of spent lots', () => {
  it('moves an emptied lot out of the live range and keeps it readable', async () => {
    const w = await pointsWorld();
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 10, sourceRef: 's1' }, IDS.mallAClient);
    await w.call('Accrue', { programId: A, member: w.alice.did, amount: 10, sourceRef: 's2' }, IDS.mallAClient);
    w.ledger.advance(AFTER_RETURN_WINDOW);
    await w.call(
      'Redeem',
      signedRedeem(w, w.alice, { merchant: 'a-shoes', ref: 'r', programId: A, amount: 10 }),
      IDS.mallAClient,
    );
    const dump = w.ledger.dump();
    expect(Object.keys(dump).filter((k) => k.startsWith(`plot/${w.alice.did}/`))).toHaveLength(1);
    const spent = Object.entries(dump).filter(([k]) => k.startsWith(`plote/${w.alice.did}/`));
    expect(spent.map(([, v]) => (v as Lot).redeemed)).toEqual([10]);
    const lots = await w.call<Lot[]>('GetLots', { member: w.alice.did, includeEmpty: true }, IDS.mallAClient);
    expect(lots.result.map((l) => l.remaining).sort()).toEqual([0, 10]);
    // Reversing the spent accrual finds its (compacted) lot and reports nothing left.
    await expect(
      w.call('Reverse', { programId: A, sourceRef: 's1', reversalRef: 'v1' }, IDS.mallAClient),
    ).rejects.toThrow('POINTS_INSUFFICIENT');
  });
});

describe('clearing reads stay below the peer’s total query limit', () => {
  it('bounds one close transaction below totalQueryLimit and closes a larger period in steps', async () => {
    expect(MAX_PERIOD_ENTRIES).toBeLessThan(new Ledger().totalQueryLimit);
    const w = await pointsWorld();
    const start = w.ledger.now;
    // Seeded directly: 50,001 booked entries (the peer would cut a larger range silently).
    for (let i = 0; i <= MAX_PERIOD_ENTRIES; i++) {
      const at = new Date(start + i).toISOString();
      const entry = { kind: 'redemption', debtor: 'MallAMSP', creditor: 'MallBMSP', amountFen: 1, points: 1, at };
      w.ledger.state.set(`points~clr~${at}~tx~${String(i).padStart(6, '0')}`, Buffer.from(JSON.stringify(entry)));
    }
    w.ledger.advance(SETTLEMENT_LAG_MS + MAX_PERIOD_ENTRIES + 1000);
    const period = { from: new Date(start).toISOString(), to: new Date(start + MAX_PERIOD_ENTRIES + 1).toISOString() };
    // Before: LIMIT_EXCEEDED, and the period could never be closed.
    await expect(w.call('ClosePeriod', period)).resolves.toMatchObject({
      result: { final: false, entries: MAX_PERIOD_ENTRIES },
    });
    await expect(w.call('ClosePeriod', period)).resolves.toMatchObject({
      result: { entries: MAX_PERIOD_ENTRIES + 1, gross: [{ amountFen: MAX_PERIOD_ENTRIES + 1 }] },
    });
  }, 60_000);
});
