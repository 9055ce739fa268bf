import fc from 'fast-check';
import { clearingNet } from './clearing-net';

describe('clearingNet', () => {
  it('sets entries off both ways per pair, largest first, and leaves even pairs out', () => {
    const n = clearingNet('f', 't', [
      { debtor: 'A', creditor: 'B', amountFen: 500 },
      { debtor: 'B', creditor: 'A', amountFen: 200 },
      { debtor: 'C', creditor: 'A', amountFen: 900 },
      { debtor: 'B', creditor: 'C', amountFen: 100 },
      { debtor: 'C', creditor: 'B', amountFen: 100 },
    ]);
    expect(n.owed).toEqual([
      { debtor: 'C', creditor: 'A', amountFen: 900 },
      { debtor: 'A', creditor: 'B', amountFen: 300 },
    ]);
    expect(n.positions).toEqual([
      { mall: 'A', receivableFen: 1100, payableFen: 500, netFen: 600 },
      { mall: 'B', receivableFen: 600, payableFen: 300, netFen: 300 },
      { mall: 'C', receivableFen: 100, payableFen: 1000, netFen: -900 },
    ]);
    expect([n.from, n.to, n.entries]).toEqual(['f', 't', 5]);
  });

  it('has no owed pair and no position without entries', () => {
    expect(clearingNet('f', 't', [])).toEqual({ from: 'f', to: 't', entries: 0, owed: [], positions: [] });
  });

  it('nets sum to zero and each mall’s net equals what the owed pairs give it, whatever the entries', () => {
    const mall = fc.constantFrom('MallAMSP', 'MallBMSP', 'MallCMSP');
    // The chaincode books no entry of a mall with itself (clearing.ts bookClearing).
    const entry = fc
      .record({ debtor: mall, creditor: mall, amountFen: fc.integer({ min: 1, max: 1_000_000 }) })
      .filter((e) => e.debtor !== e.creditor);
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        const n = clearingNet('f', 't', entries);
        expect(n.positions.reduce((s, p) => s + p.netFen, 0)).toBe(0);
        for (const p of n.positions) {
          const viaOwed = n.owed.reduce(
            (s, o) => s + (o.creditor === p.mall ? o.amountFen : 0) - (o.debtor === p.mall ? o.amountFen : 0),
            0,
          );
          expect(viaOwed).toBe(p.netFen);
        }
        expect(n.owed.every((o) => o.amountFen > 0 && o.debtor !== o.creditor)).toBe(true);
      }),
    );
  });
});
