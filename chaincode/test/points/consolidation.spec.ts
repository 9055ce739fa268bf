/**
 * ConsolidateLots: the issuer merges a member's available lots of one expiry day into one lot
 * that expires with the earliest of them; balance, availability and program totals stay as
 * they were (the property test is consolidation.property.spec.ts; the way out of the
 * live-lot bound is in bounds.spec.ts).
 */
import { DAY_MS } from '../../src/common/clock';
import type { Balance } from '../../src/points/lots';
import type { ConsolidationRecord, HistoryLine, Lot } from '../../src/points/model';
import { IDS } from '../support/fake-stub';
import { A, AFTER_RETURN_WINDOW, PointsWorld, pointsWorld, signedRedeem } from '../support/points-fixture';

interface Result {
  expiresOn: string | null;
  merged: number;
  points: number;
  lotId: string | null;
  more: boolean;
}

const HOUR = 3_600_000;

async function accrue(w: PointsWorld, sourceRef: string, amount: number): Promise<void> {
  await w.call('Accrue', { programId: A, member: w.alice.did, amount, sourceRef }, IDS.mallAClient);
}

async function liveLots(w: PointsWorld): Promise<Lot[]> {
  return (await w.call<Lot[]>('GetLots', { member: w.alice.did, programId: A }, IDS.mallAClient)).result;
}

async function balance(w: PointsWorld): Promise<Balance> {
  const r = await w.call<{ balances: Balance[] }>('GetBalance', { member: w.alice.did, programId: A }, IDS.mallAClient);
  return r.result.balances[0]!;
}

const consolidate = (w: PointsWorld, extra: Record<string, unknown> = {}): Promise<{ result: Result }> =>
  w.call<Result>('ConsolidateLots', { programId: A, member: w.alice.did, ...extra }, IDS.mallAClient);

/** s1 (10) and s2 (20) expire on one day, s3 (5) three days later; all available. */
async function threeLots(): Promise<{ w: PointsWorld; s1: Lot; s3: Lot }> {
  const w = await pointsWorld();
  await accrue(w, 's1', 10);
  w.ledger.advance(HOUR);
  await accrue(w, 's2', 20);
  w.ledger.advance(3 * DAY_MS);
  await accrue(w, 's3', 5);
  w.ledger.advance(AFTER_RETURN_WINDOW);
  const lots = await liveLots(w);
  const bySource = (ref: string): Lot => lots.find((l) => l.sourceRef === ref)!;
  return { w, s1: bySource('s1'), s3: bySource('s3') };
}

describe('points: ConsolidateLots', () => {
  it('merges the lots of the fullest expiry day into one lot expiring with the earliest', async () => {
    const { w, s1, s3 } = await threeLots();
    const before = await balance(w);
    const history = await w.call<HistoryLine[]>('GetHistory', { member: w.alice.did }, IDS.mallAClient);
    const { result } = await consolidate(w);
    expect(result).toMatchObject({ expiresOn: s1.expiresAt.slice(0, 10), merged: 2, points: 30, more: false });
    const lots = await liveLots(w);
    expect(lots).toHaveLength(2);
    const merged = lots.find((l) => l.lotId === result.lotId)!;
    expect(merged).toMatchObject({ origin: 'consolidation', amount: 30, remaining: 30, expiresAt: s1.expiresAt });
    expect(merged.earnedAt).toBe(s1.earnedAt);
    expect(lots.find((l) => l.lotId === s3.lotId)).toEqual({ ...s3 });
    expect(await balance(w)).toEqual(before);
    // The sources are compacted with their points moved out, and the merge is on the record.
    const dump = w.ledger.dump();
    const spent = Object.entries(dump).filter(([k]) => k.startsWith(`plote/${w.alice.did}/`));
    expect(spent.map(([, v]) => (v as Lot).movedOut).sort((a, b) => a - b)).toEqual([10, 20]);
    const record = Object.entries(dump).find(([k]) => k.startsWith(`pcons/${w.alice.did}/`))?.[1] as
      ConsolidationRecord | undefined;
    expect(record).toMatchObject({ programId: A, lotId: result.lotId, points: 30, expiresAt: s1.expiresAt });
    expect(record?.sources.map((s) => s.points).sort((a, b) => a - b)).toEqual([10, 20]);
    // The expiry index holds the merged lot instead of its sources; the history is unchanged.
    const index = Object.keys(dump).filter((k) => k.startsWith(`pexpidx/${A}/`));
    expect(index).toHaveLength(2);
    expect(index.some((k) => k.endsWith(`/${result.lotId}`))).toBe(true);
    const after = await w.call<HistoryLine[]>('GetHistory', { member: w.alice.did }, IDS.mallAClient);
    expect(after.result).toEqual(history.result);
    // Documented cost: a consolidated accrual lot is empty, so Reverse has nothing to take back.
    await expect(
      w.call('Reverse', { programId: A, sourceRef: 's1', reversalRef: 'v1' }, IDS.mallAClient),
    ).rejects.toThrow('POINTS_INSUFFICIENT');
  });

  it('gains no validity: the merged lot expires at the earliest source expiry', async () => {
    const { w, s1 } = await threeLots();
    await consolidate(w);
    w.ledger.now = Date.parse(s1.expiresAt);
    await expect(balance(w)).resolves.toMatchObject({ available: 5, awaitingExpiry: 30 });
    const swept = await w.call<{ lotsSwept: number; points: number }>('Expire', { programId: A }, IDS.mallAClient);
    expect(swept.result).toMatchObject({ lotsSwept: 1, points: 30 });
  });

  it('keeps spending working on the merged lot', async () => {
    const { w } = await threeLots();
    await consolidate(w);
    await w.call(
      'Redeem',
      signedRedeem(w, w.alice, { merchant: 'a-shoes', ref: 'r1', programId: A, amount: 32 }),
      IDS.mallAClient,
    );
    expect((await balance(w)).available).toBe(3);
  });

  it('merges in batches of `limit` and says when there is more', async () => {
    const w = await pointsWorld();
    for (const ref of ['a', 'b', 'c']) {
      await accrue(w, ref, 1);
      w.ledger.advance(1);
    }
    w.ledger.advance(AFTER_RETURN_WINDOW);
    await expect(consolidate(w, { limit: 2 })).resolves.toMatchObject({ result: { merged: 2, points: 2, more: true } });
    await expect(consolidate(w, { limit: 2 })).resolves.toMatchObject({
      result: { merged: 2, points: 3, more: false },
    });
    expect(await liveLots(w)).toHaveLength(1);
  });

  it('writes nothing when fewer than two lots of the day are available', async () => {
    const { w, s3 } = await threeLots();
    const before = w.ledger.dump();
    const events = w.ledger.events.length;
    const { result } = await consolidate(w, { expiresOn: s3.expiresAt.slice(0, 10) });
    expect(result).toMatchObject({ merged: 0, points: 0, lotId: null, more: false });
    expect(w.ledger.dump()).toEqual(before);
    expect(w.ledger.events).toHaveLength(events);
  });

  it('never merges pending points (they would become available early)', async () => {
    const w = await pointsWorld();
    await accrue(w, 'p1', 4);
    await accrue(w, 'p2', 6);
    const before = w.ledger.dump();
    await expect(consolidate(w)).resolves.toMatchObject({ result: { merged: 0, expiresOn: null } });
    expect(w.ledger.dump()).toEqual(before);
  });

  it.each([
    [{ limit: 1 }, 'limit'],
    [{ limit: 501 }, 'limit'],
    [{ limit: 2.5 }, 'limit'],
    [{ expiresOn: '2027-02-30' }, 'expiresOn'],
    [{ expiresOn: '2027-3-1' }, 'expiresOn'],
    [{ expiresOn: 20270301 }, 'expiresOn'],
    [{ member: 'alice' }, 'member'],
    [{ programId: '' }, 'programId'],
  ])('refuses %j naming the field, writing nothing', async (extra, field) => {
    const { w } = await threeLots();
    const before = w.ledger.dump();
    await expect(consolidate(w, extra)).rejects.toThrow(new RegExp(`^INPUT_INVALID: ${field}\\b`));
    expect(w.ledger.dump()).toEqual(before);
  });

  it('refuses an unknown program and another mall', async () => {
    const { w } = await threeLots();
    const before = w.ledger.dump();
    await expect(consolidate(w, { programId: 'NOPE' })).rejects.toThrow('NOT_FOUND');
    await expect(w.call('ConsolidateLots', { programId: A, member: w.alice.did }, IDS.mallBAdmin)).rejects.toThrow(
      'AUTH_FORBIDDEN',
    );
    expect(w.ledger.dump()).toEqual(before);
  });
});
