/**
 * Property: whatever lots a member holds (two programs, one with a return window, lots earned
 * hours or days apart) and whatever day and batch size is asked, ConsolidateLots changes
 * neither the member's available nor pending points per expiry day, nor the program totals
 * (remaining and every bucket of the conservation equation), and no point expires later.
 */
import fc from 'fast-check';
import type { Lot } from '../../src/points/model';
import { IDS } from '../support/fake-stub';
import { A, B, PointsWorld, pointsWorld } from '../support/points-fixture';

const PROGRAMS = [A, B] as const;
const ISSUERS = [IDS.mallAClient, IDS.mallBClient] as const;

type Op = { program: 0 | 1; amount: number; advanceHours: number };

async function lotsOf(w: PointsWorld): Promise<Lot[]> {
  const r = await w.call<Lot[]>('GetLots', { member: w.alice.did, includeEmpty: true }, IDS.mallAClient);
  return r.result;
}

/** Per program and expiry day: available and pending points (state as the chaincode reports it). */
function perDay(lots: (Lot & { state?: string })[]): Record<string, { available: number; pending: number }> {
  const out: Record<string, { available: number; pending: number }> = {};
  for (const l of lots) {
    const k = `${l.programId} ${l.expiresAt.slice(0, 10)}`;
    const e = (out[k] ??= { available: 0, pending: 0 });
    if (l.state === 'available') e.available += l.remaining;
    if (l.state === 'pending') e.pending += l.remaining;
  }
  return Object.fromEntries(Object.entries(out).filter(([, e]) => e.available > 0 || e.pending > 0));
}

/** Program totals: remaining plus the buckets points leave by, other than consolidation's own moves. */
function totals(lots: Lot[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const l of lots) {
    const t = (out[l.programId] ??= [0, 0, 0, 0]);
    t[0]! += l.remaining;
    t[1]! += l.redeemed;
    t[2]! += l.reversed;
    t[3]! += l.expired;
  }
  return out;
}

describe('points: consolidation property', () => {
  it('keeps available points per expiry day and the program totals', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            program: fc.constantFrom<0 | 1>(0, 1),
            amount: fc.integer({ min: 1, max: 50 }),
            advanceHours: fc.integer({ min: 0, max: 60 }),
          }),
          { minLength: 1, maxLength: 14 },
        ),
        fc.integer({ min: 0, max: 10 * 24 }),
        fc.constantFrom<0 | 1>(0, 1),
        fc.option(fc.integer({ min: 0, max: 13 })),
        fc.integer({ min: 2, max: 6 }),
        async (ops: Op[], finalHours, program, dayPick, limit) => {
          const w = await pointsWorld();
          for (const [i, op] of ops.entries()) {
            await w.call(
              'Accrue',
              { programId: PROGRAMS[op.program], member: w.alice.did, amount: op.amount, sourceRef: `s${i}` },
              ISSUERS[op.program],
            );
            w.ledger.advance(op.advanceHours * 3_600_000);
          }
          w.ledger.advance(finalHours * 3_600_000);
          const before = await lotsOf(w);
          const days = [...new Set(before.map((l) => l.expiresAt.slice(0, 10)))].sort();
          const expiresOn = dayPick === null ? undefined : days[dayPick % days.length];
          const r = await w.call<{ merged: number; points: number; lotId: string | null }>(
            'ConsolidateLots',
            { programId: PROGRAMS[program], member: w.alice.did, expiresOn, limit },
            ISSUERS[program],
          );
          const after = await lotsOf(w);
          expect(perDay(after)).toEqual(perDay(before));
          expect(totals(after)).toEqual(totals(before));
          expect(r.result.merged).toBeLessThanOrEqual(limit);
          if (r.result.merged === 0) {
            expect(after).toEqual(before);
            return;
          }
          // The merged lot expires with the earliest of its sources: no point lives longer.
          const merged = after.find((l) => l.lotId === r.result.lotId)!;
          const emptied = after.filter((l) =>
            before.some((b) => b.lotId === l.lotId && b.remaining > 0 && l.remaining === 0),
          );
          expect(emptied).toHaveLength(r.result.merged);
          expect(
            emptied.reduce((s, l) => s + l.movedOut, 0) -
              before.filter((b) => emptied.some((e) => e.lotId === b.lotId)).reduce((s, l) => s + l.movedOut, 0),
          ).toBe(merged.amount);
          expect(merged.expiresAt).toBe(emptied.map((l) => l.expiresAt).sort()[0]);
          expect(new Set(emptied.map((l) => l.expiresAt.slice(0, 10))).size).toBe(1);
          expect(merged.programId).toBe(PROGRAMS[program]);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
