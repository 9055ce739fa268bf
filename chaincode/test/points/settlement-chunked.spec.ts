/**
 * A period with more clearing entries than one transaction may read closes in several
 * ClosePeriod transactions with a persisted cursor (`points~closing`); the statement exists
 * only once the cursor reaches the end. Before: such a close failed with LIMIT_EXCEEDED and
 * the period (and every later one) could never be settled. The chunk is lowered to 3 here.
 */
import { CLOSED_BOUND_KEY } from '../../src/points/clearing';
import type { ClearingEntry } from '../../src/points/model';
import { CLOSING_KEY, SETTLEMENT_LAG_MS, type CloseStep, type Statement } from '../../src/points/settlement';
import { IDS } from '../support/fake-stub';
import { A, AFTER_RETURN_WINDOW, PointsWorld, pointsWorld, signedRedeem } from '../support/points-fixture';

const MIN = 60_000;
const CHUNK = 3;
const iso = (ms: number): string => new Date(ms).toISOString();

let refs = 0;
function redeemArgs(w: PointsWorld, amount: number): string[] {
  refs += 1;
  return [JSON.stringify(signedRedeem(w, w.alice, { merchant: 'b-food', ref: `c${refs}`, programId: A, amount }))];
}

/** Seven cross-mall redemptions of 1..7 points (7 entries), one minute apart. */
async function world(closeChunk = CHUNK): Promise<{ w: PointsWorld; from: string; to: string }> {
  const w = await pointsWorld({ closeChunk });
  await w.call('Accrue', { programId: A, member: w.alice.did, amount: 100_000, sourceRef: 'r1' }, IDS.mallAClient);
  w.ledger.advance(AFTER_RETURN_WINDOW);
  const start = w.ledger.now;
  for (let i = 1; i <= 7; i++) {
    await w.ledger.invoke(w.contract, 'Redeem', redeemArgs(w, i), IDS.mallBClient);
    w.ledger.advance(MIN);
  }
  const to = w.ledger.now;
  w.ledger.advance(SETTLEMENT_LAG_MS + MIN);
  return { w, from: iso(start - MIN), to: iso(to) };
}

describe('chunked ClosePeriod', () => {
  it('closes a period past the per-transaction bound in steps; the statement equals a one-step close', async () => {
    const { w, from, to } = await world();
    const steps: (Statement | CloseStep)[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await w.call<Statement | CloseStep>('ClosePeriod', { from, to }, IDS.mallBAdmin);
      steps.push(r.result);
      if (!('final' in r.result)) break;
      // Not final: no statement yet, and the cursor is on the ledger.
      await expect(w.call('GetStatement', { periodId: r.result.periodId })).rejects.toThrow('NOT_FOUND');
      expect(w.ledger.dump()[CLOSING_KEY]).toBeDefined();
    }
    expect(steps.map((s) => s.entries)).toEqual([3, 6, 7]);
    const statement = steps[2] as Statement;
    expect(statement.gross).toEqual([{ from: 'MallAMSP', to: 'MallBMSP', amountFen: 28 * 5 }]);
    expect(statement.closedBy).toBe('MallBMSP');
    expect(w.ledger.dump()[CLOSING_KEY]).toBeUndefined();
    // The same entries closed in one step (default bound) give the same statement figures.
    const one = await world(1000);
    const single = await one.w.call<Statement>('ClosePeriod', { from: one.from, to: one.to }, IDS.mallBAdmin);
    expect(single.result).not.toHaveProperty('final');
    const figures = (s: Statement): unknown => ({
      entries: s.entries,
      gross: s.gross,
      positions: s.positions,
      payments: s.payments,
    });
    expect(figures(statement)).toEqual(figures(single.result));
    // A finished period cannot be closed again.
    await expect(w.call('ClosePeriod', { from, to }, IDS.mallBAdmin)).rejects.toThrow('POINTS_PERIOD_CLOSED');
  });

  it('refuses bookings in the period from the first step on, and held envelopes fail MVCC', async () => {
    const { w, from, to } = await world();
    // Endorsed before the first step at a time inside the period (back-dated within the window).
    const inside = Date.parse(to) - MIN;
    const now = w.ledger.now;
    w.ledger.now = inside;
    const held = await w.ledger.endorse(w.contract, 'Redeem', redeemArgs(w, 1), IDS.mallBClient);
    w.ledger.now = now;
    const first = await w.call<CloseStep>('ClosePeriod', { from, to }, IDS.mallBAdmin);
    expect(first.result.final).toBe(false);
    expect(w.ledger.dump()[CLOSED_BOUND_KEY]).toMatchObject({ to });
    expect(held.commit()).toBe('MVCC_READ_CONFLICT');
    w.ledger.now = inside;
    await expect(w.ledger.invoke(w.contract, 'Redeem', redeemArgs(w, 1), IDS.mallBClient)).rejects.toThrow(
      'POINTS_PERIOD_CLOSED',
    );
    w.ledger.now = now;
    const rest = await w.call<Statement>('ClosePeriod', { from, to }, IDS.mallBAdmin);
    const last = await w.call<Statement>('ClosePeriod', { from, to }, IDS.mallBAdmin);
    expect([rest.result.entries, last.result.entries]).toEqual([6, 7]);
    const all = await w.call<ClearingEntry[]>('GetClearing', { from, to }, IDS.mallAClient);
    expect(all.result).toHaveLength(7);
  });

  it('lets no other period close while one is in progress, and two continuations race on the cursor', async () => {
    const { w, from, to } = await world();
    await w.call('ClosePeriod', { from, to }, IDS.mallBAdmin);
    const before = w.ledger.dump();
    const next = { from: to, to: iso(Date.parse(to) + MIN) };
    await expect(w.call('ClosePeriod', next, IDS.mallAAdmin)).rejects.toThrow('POINTS_PERIOD_CLOSING');
    await expect(w.call('ClosePeriod', { from: iso(Date.parse(from) - MIN), to }, IDS.mallAAdmin)).rejects.toThrow(
      'POINTS_PERIOD_CLOSING',
    );
    expect(w.ledger.dump()).toEqual(before);
    const a = await w.ledger.endorse(w.contract, 'ClosePeriod', [JSON.stringify({ from, to })], IDS.mallAAdmin);
    const b = await w.ledger.endorse(w.contract, 'ClosePeriod', [JSON.stringify({ from, to })], IDS.mallBAdmin);
    expect(a.commit()).toBe('VALID');
    expect(b.commit()).toBe('MVCC_READ_CONFLICT');
  });
});
