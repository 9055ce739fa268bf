import fc from 'fast-check';
import { returnReversal } from './reversal';

describe('returnReversal', () => {
  it('takes floor(points × returned ÷ amount) and the completing return takes the remainder', () => {
    const sale = { points: 100, amountFen: 30000, returnedFen: 0, reversedPoints: 0 };
    expect(returnReversal(sale, 10000)).toBe(33);
    expect(returnReversal({ ...sale, returnedFen: 10000, reversedPoints: 33 }, 10000)).toBe(33);
    expect(returnReversal({ ...sale, returnedFen: 20000, reversedPoints: 66 }, 10000)).toBe(34);
    expect(returnReversal(sale, 30000)).toBe(100);
  });

  it('refuses a return larger than what is left of the sale', () => {
    expect(returnReversal({ points: 10, amountFen: 1000, returnedFen: 600, reversedPoints: 6 }, 401)).toBeUndefined();
  });

  it('never reverses more than the credit, and any sequence that returns everything reverses exactly all', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 10 }),
        (points, amountFen, weights) => {
          const total = weights.reduce((s, w) => s + w, 0);
          // Split the sale's amount into returns proportional to the weights; the last takes the rest.
          const parts = weights.map((w) => Math.floor((amountFen * w) / total));
          parts[parts.length - 1] = amountFen - parts.slice(0, -1).reduce((s, p) => s + p, 0);
          let returnedFen = 0;
          let reversedPoints = 0;
          for (const part of parts) {
            const r = returnReversal({ points, amountFen, returnedFen, reversedPoints }, part);
            expect(r).toBeDefined();
            expect(r).toBeGreaterThanOrEqual(0);
            returnedFen += part;
            reversedPoints += r ?? 0;
            expect(reversedPoints).toBeLessThanOrEqual(points);
          }
          expect(reversedPoints).toBe(points);
        },
      ),
    );
  });
});
