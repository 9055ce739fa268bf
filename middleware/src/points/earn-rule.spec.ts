import fc from 'fast-check';
import { type EarnInput, type EarnRule, earnedPoints, eligibleFen } from './earn-rule';

const rule = (over: Partial<EarnRule> = {}): EarnRule => ({
  pointsPerYuan: '1',
  rounding: 'floor',
  categoryMultipliers: {},
  excludedPayCls: ['points', 'coupon'],
  ...over,
});
const input = (realAmtFen: number, payments: EarnInput['payments'] = [], category = 'retail'): EarnInput => ({
  realAmtFen,
  category,
  payments,
});

const arbRate = fc
  .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 9999 }))
  .map(([w, f]) => `${w}${f === 0 ? '' : `.${String(f).padStart(4, '0')}`}`);
const arbMultiplier = fc
  .tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 99 }))
  .map(([w, f]) => `${w}${f === 0 ? '' : `.${String(f).padStart(2, '0')}`}`);
const arbPayments = fc.array(
  fc.record({ payCls: fc.constantFrom('cash', 'card', 'points', 'coupon', 'POINTS'), totalFen: fc.nat(1_000_000) }),
  { maxLength: 5 },
);

describe('earnedPoints', () => {
  it('applies the rate, the category multiplier and the rounding exactly', () => {
    expect(earnedPoints(input(12850), rule())).toBe(128);
    expect(earnedPoints(input(12850), rule({ rounding: 'round' }))).toBe(129);
    expect(earnedPoints(input(12849), rule({ rounding: 'round' }))).toBe(128);
    expect(earnedPoints(input(12801), rule({ rounding: 'ceil' }))).toBe(129);
    expect(earnedPoints(input(12800), rule({ rounding: 'ceil' }))).toBe(128);
    expect(earnedPoints(input(10000, [], 'food'), rule({ categoryMultipliers: { food: '1.5' } }))).toBe(150);
    expect(earnedPoints(input(10000), rule({ pointsPerYuan: '0.0001' }))).toBe(0);
    expect(earnedPoints(input(10000), rule({ pointsPerYuan: '0.0001', rounding: 'ceil' }))).toBe(1);
  });

  it('earns nothing on points and coupon payments (case-insensitive classes)', () => {
    const paid = input(10000, [
      { payCls: 'cash', totalFen: 6000 },
      { payCls: 'Points', totalFen: 3000 },
      { payCls: 'coupon', totalFen: 1000 },
    ]);
    expect(eligibleFen(paid, rule())).toBe(6000);
    expect(earnedPoints(paid, rule())).toBe(60);
    expect(earnedPoints(input(100, [{ payCls: 'points', totalFen: 500 }]), rule())).toBe(0);
  });

  it('is never negative, floor ≤ round ≤ ceil ≤ floor + 1, and never above the unrounded value + 1', () => {
    fc.assert(
      fc.property(fc.nat(100_000_000), arbRate, arbMultiplier, arbPayments, (fen, rate, mult, payments) => {
        const i = input(fen, payments);
        const r = { pointsPerYuan: rate, categoryMultipliers: { retail: mult } };
        const floor = earnedPoints(i, rule({ ...r, rounding: 'floor' }));
        const round = earnedPoints(i, rule({ ...r, rounding: 'round' }));
        const ceil = earnedPoints(i, rule({ ...r, rounding: 'ceil' }));
        expect(floor).toBeGreaterThanOrEqual(0);
        expect(floor <= round && round <= ceil && ceil <= floor + 1).toBe(true);
        const exact = (eligibleFen(i, rule()) / 100) * Number(rate) * Number(mult);
        expect(floor).toBeLessThanOrEqual(exact + 1e-6);
        expect(ceil).toBeGreaterThanOrEqual(exact - 1e-6);
      }),
    );
  });

  it('is monotone in the amount paid, and excluded payments never add points', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(10_000_000), arbRate, arbPayments, (a, b, rate, payments) => {
        const r = rule({ pointsPerYuan: rate });
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(earnedPoints(input(lo, payments), r)).toBeLessThanOrEqual(earnedPoints(input(hi, payments), r));
        expect(earnedPoints(input(hi, payments), r)).toBeLessThanOrEqual(earnedPoints(input(hi), r));
      }),
    );
  });
});
