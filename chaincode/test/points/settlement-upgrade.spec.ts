/**
 * A ledger upgraded from the chaincode that closed periods without writing `points~closed`:
 * the first close after the upgrade must start where the newest existing statement ended,
 * or entries already settled would be netted again (every mall paying twice).
 */
import { CLOSED_BOUND_KEY } from '../../src/points/clearing';
import { MAX_LEGACY_STATEMENTS, SETTLEMENT_LAG_MS } from '../../src/points/settlement';
import type { Statement } from '../../src/points/settlement';
import { IDS } from '../support/fake-stub';
import { A, AFTER_RETURN_WINDOW, PointsWorld, pointsWorld, signedRedeem } from '../support/points-fixture';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Two settled redemptions in two old-format statements, and no `points~closed` key. */
async function legacyWorld(): Promise<{ w: PointsWorld; start: number; end: number }> {
  const w = await pointsWorld();
  await w.call('Accrue', { programId: A, member: w.alice.did, amount: 1_000, sourceRef: 'r1' }, IDS.mallAClient);
  w.ledger.advance(AFTER_RETURN_WINDOW);
  const start = w.ledger.now;
  for (const ref of ['x1', 'x2']) {
    const req = signedRedeem(w, w.alice, { merchant: 'b-food', ref, programId: A, amount: 10 });
    await w.ledger.invoke(w.contract, 'Redeem', [JSON.stringify(req)], IDS.mallBClient);
    w.ledger.advance(10 * MIN);
  }
  w.ledger.advance(SETTLEMENT_LAG_MS + MIN);
  const mid = start + 5 * MIN;
  const end = start + 15 * MIN;
  await w.call('ClosePeriod', { from: iso(start), to: iso(mid) });
  await w.call('ClosePeriod', { from: iso(mid), to: iso(end) });
  // The old chaincode wrote statements only: remove what the new one adds.
  w.ledger.state.delete(CLOSED_BOUND_KEY);
  return { w, start, end };
}

describe('settlement on a ledger closed before points~closed existed', () => {
  it('refuses a period that starts before the newest existing statement ended (no double settlement)', async () => {
    const { w, start, end } = await legacyWorld();
    const before = w.ledger.dump();
    await expect(w.call('ClosePeriod', { from: iso(start), to: iso(end + MIN) })).rejects.toThrow(
      `POINTS_PERIOD_CLOSED: overlaps the closed period ${iso(start + 5 * MIN)}..${iso(end)}`,
    );
    await expect(w.call('ClosePeriod', { from: iso(start + 5 * MIN), to: iso(end + MIN) })).rejects.toThrow(
      'POINTS_PERIOD_CLOSED',
    );
    expect(w.ledger.dump()).toEqual(before);
  });

  it('reports the newest statement as the closed bound and continues from it, writing points~closed', async () => {
    const { w, end } = await legacyWorld();
    const bound = await w.call('GetClosedBound', {}, IDS.mallBClient);
    expect(bound.result).toEqual({ to: iso(end), periodId: `${iso(end - 10 * MIN)}..${iso(end)}` });
    await expect(w.call('ClosePeriod', { from: iso(end + 1), to: iso(end + MIN) })).rejects.toThrow(
      `POINTS_PERIOD_GAP: the next period must start at ${iso(end)}`,
    );
    const next = await w.call<Statement>('ClosePeriod', { from: iso(end), to: iso(end + MIN) });
    expect(next.result.entries).toBe(0);
    expect(JSON.parse(Buffer.from(w.ledger.state.get(CLOSED_BOUND_KEY) ?? []).toString('utf8'))).toEqual({
      to: iso(end + MIN),
      periodId: next.result.periodId,
    });
  });

  it('refuses a booking timestamped inside the newest old statement before the first new close', async () => {
    const { w, end } = await legacyWorld();
    const before = w.ledger.dump();
    w.ledger.now = end - 1; // a back-dated timestamp into the last settled period
    const req = signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'late', programId: A, amount: 10 });
    await expect(w.ledger.invoke(w.contract, 'Redeem', [JSON.stringify(req)], IDS.mallBClient)).rejects.toThrow(
      /^POINTS_PERIOD_CLOSED: a clearing entry at .* would fall in the closed period ending/,
    );
    expect(w.ledger.dump()).toEqual(before);
  });

  it('fails loudly when there are more old statements than one transaction may read', async () => {
    const { w, end } = await legacyWorld();
    const [stmtKey, stmt] = [...w.ledger.state.entries()].find(([k]) => k.includes('pstmt')) ?? [];
    if (!stmtKey || !stmt) throw new Error('no statement in the legacy world');
    for (let i = 0; i < MAX_LEGACY_STATEMENTS; i += 1) w.ledger.state.set(`${stmtKey}copy${String(i)}`, stmt);
    await expect(w.call('ClosePeriod', { from: iso(end), to: iso(end + MIN) })).rejects.toThrow(
      /^LIMIT_EXCEEDED: more than 10000 statements/,
    );
  });
});
