/**
 * Property: any sequence of accrue / reverse / redeem / transfer / exchange / expire, with
 * time moving on, conserves points per program, and the clearing entries net to zero
 * across malls in a settlement statement that matches the redemptions and exchanges.
 */
import fc from 'fast-check';
import { DAY_MS } from '../../src/common/clock';
import type { ExchangeRecord, Lot, RedemptionRecord } from '../../src/points/model';
import { SETTLEMENT_LAG_MS, type Statement } from '../../src/points/settlement';
import { IDS } from '../support/fake-stub';
import {
  A,
  B,
  PointsWorld,
  pointsWorld,
  signedExchange,
  signedRedeem,
  signedTransfer,
} from '../support/points-fixture';

type Op =
  | { kind: 'accrue'; program: 0 | 1; member: number; amount: number; ref: number }
  | { kind: 'reverse'; program: 0 | 1; ref: number; amount: number | null; rev: number }
  | { kind: 'redeem'; program: 0 | 1; member: number; merchant: number; amount: number }
  | { kind: 'transfer'; program: 0 | 1; from: number; to: number; amount: number }
  | { kind: 'exchange'; program: 0 | 1; member: number; amount: number }
  | { kind: 'expire'; program: 0 | 1 }
  | { kind: 'advance'; days: number };

const PROGRAMS = [A, B] as const;
const ISSUERS = [IDS.mallAClient, IDS.mallBClient] as const;
const MERCHANTS = [
  { id: 'a-shoes', who: IDS.mallAClient },
  { id: 'b-food', who: IDS.mallBClient },
  { id: 'b-park', who: IDS.mallBAdmin },
];
const program = fc.constantFrom<0 | 1>(0, 1);
const member = fc.integer({ min: 0, max: 2 });
const amount = fc.integer({ min: 1, max: 400 });
const spendAmount = fc.integer({ min: 1, max: 80 });

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('accrue' as const),
      program,
      member,
      amount,
      ref: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reverse' as const),
      program,
      ref: fc.integer({ min: 0, max: 6 }),
      amount: fc.option(amount),
      rev: fc.integer({ min: 0, max: 6 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('redeem' as const),
      program,
      member,
      merchant: fc.integer({ min: 0, max: 2 }),
      amount: spendAmount,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      program,
      from: member,
      to: member,
      amount: spendAmount,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('exchange' as const), program, member, amount: spendAmount }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), program }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 0, max: 100 }) }),
  },
);

/** Refusals the random sequences may legitimately meet; anything else is a bug. */
const EXPECTED_REFUSALS = /^(POINTS_INSUFFICIENT|NOT_FOUND: accrual|INPUT_INVALID: to: must differ)/;

async function run(w: PointsWorld, o: Op): Promise<void> {
  const members = [w.alice, w.bob, w.carol];
  const m = (i: number): (typeof members)[number] => members[i]!;
  switch (o.kind) {
    case 'accrue':
      await w.call(
        'Accrue',
        { programId: PROGRAMS[o.program], member: m(o.member).did, amount: o.amount, sourceRef: `ref-${o.ref}` },
        ISSUERS[o.program],
      );
      return;
    case 'reverse':
      await w.call(
        'Reverse',
        {
          programId: PROGRAMS[o.program],
          sourceRef: o.ref < 3 ? `seed-${o.ref}` : `ref-${o.ref - 3}`,
          reversalRef: `ret-${o.rev}`,
          amount: o.amount ?? undefined,
        },
        ISSUERS[o.program],
      );
      return;
    case 'redeem': {
      const merchant = MERCHANTS[o.merchant]!;
      const req = signedRedeem(w, m(o.member), {
        merchant: merchant.id,
        ref: `red-${w.ledger.now}-${o.amount}`,
        programId: PROGRAMS[o.program],
        amount: o.amount,
      });
      await w.call('Redeem', req, merchant.who);
      return;
    }
    case 'transfer':
      await w.call(
        'Transfer',
        signedTransfer(w, m(o.from), { to: m(o.to).did, programId: PROGRAMS[o.program], amount: o.amount }),
        IDS.mallAClient,
      );
      return;
    case 'exchange': {
      // A→B at 1/2 (an even amount gives whole points), B→A at 2/1.
      const [fromProgram, toProgram] = o.program === 0 ? [A, B] : [B, A];
      const spent = o.program === 0 ? o.amount * 2 : o.amount;
      const receive = o.program === 0 ? o.amount : o.amount * 2;
      await w.call(
        'Exchange',
        signedExchange(w, m(o.member), { fromProgram, toProgram, amount: spent, receive }),
        ISSUERS[o.program],
      );
      return;
    }
    case 'expire':
      await w.call('Expire', { programId: PROGRAMS[o.program] }, ISSUERS[o.program]);
      return;
    case 'advance':
      w.ledger.advance(o.days * DAY_MS + 1000);
      return;
  }
}

function values<T>(dump: Record<string, unknown>, prefix: string): T[] {
  return Object.entries(dump)
    .filter(([k]) => k.startsWith(prefix))
    .map(([, v]) => v as T);
}

const sum = <T>(list: T[], f: (x: T) => number): number => list.reduce((s, x) => s + f(x), 0);

function checkConservation(dump: Record<string, unknown>): void {
  // Live lots and compacted (empty) ones together hold every point ever issued.
  const lots = [...values<Lot>(dump, 'plot/'), ...values<Lot>(dump, 'plote/')];
  const accruals = values<{ programId: string; amount: number }>(dump, 'pacc/');
  const reversals = values<{ programId: string; amount: number }>(dump, 'prev/');
  const redemptions = values<RedemptionRecord>(dump, 'predm/');
  const breakage = values<{ programId: string; points: number }>(dump, 'pbrk/');
  const exchanges = values<ExchangeRecord>(dump, 'pexch/');
  for (const lot of lots) {
    expect(lot.remaining).toBeGreaterThanOrEqual(0);
    expect(lot.amount).toBe(lot.remaining + lot.redeemed + lot.reversed + lot.expired + lot.movedOut);
  }
  for (const p of PROGRAMS) {
    const of = <T extends { programId: string }>(l: T[]): T[] => l.filter((x) => x.programId === p);
    const issued =
      sum(of(accruals), (a) => a.amount) +
      sum(
        exchanges.filter((e) => e.toProgram === p),
        (e) => e.received,
      );
    const live = sum(of(lots), (l) => l.remaining);
    const redeemed = sum(of(redemptions), (r) => r.amount);
    const reversed = sum(of(reversals), (r) => r.amount);
    const expired = sum(of(breakage), (b) => b.points);
    const exchangedOut = sum(
      exchanges.filter((e) => e.fromProgram === p),
      (e) => e.amount,
    );
    expect(issued).toBe(live + redeemed + reversed + expired + exchangedOut);
    // The lots' own counters agree with the records, bucket by bucket.
    expect(sum(of(lots), (l) => l.redeemed)).toBe(redeemed);
    expect(sum(of(lots), (l) => l.reversed)).toBe(reversed);
    expect(sum(of(lots), (l) => l.expired)).toBe(expired);
  }
}

async function checkSettlement(w: PointsWorld): Promise<void> {
  w.ledger.advance(SETTLEMENT_LAG_MS + 1000);
  const dump = w.ledger.dump();
  const st = await w.call<Statement>('ClosePeriod', {
    from: '2026-01-01T00:00:00Z',
    to: new Date(w.ledger.now - SETTLEMENT_LAG_MS).toISOString(),
  });
  const positions = st.result.positions;
  expect(sum(positions, (p) => p.netFen)).toBe(0);
  const expected = new Map<string, number>();
  const book = (debtor: string, creditor: string, fen: number): void => {
    if (debtor === creditor) return;
    expected.set(debtor, (expected.get(debtor) ?? 0) - fen);
    expected.set(creditor, (expected.get(creditor) ?? 0) + fen);
  };
  for (const r of values<RedemptionRecord>(dump, 'predm/')) book(r.issuer, r.mall, r.valueFen);
  for (const e of values<ExchangeRecord>(dump, 'pexch/'))
    book(
      e.fromProgram === A ? 'MallAMSP' : 'MallBMSP',
      e.toProgram === A ? 'MallAMSP' : 'MallBMSP',
      e.received * (e.toProgram === A ? 5 : 10),
    );
  expect(Object.fromEntries(positions.map((p) => [p.mall, p.netFen]))).toEqual(Object.fromEntries(expected));
  expect(sum(st.result.payments, (p) => p.amountFen)).toBe(
    sum(
      positions.filter((p) => p.netFen > 0),
      (p) => p.netFen,
    ),
  );
}

describe('points: conservation (property)', () => {
  it('any sequence of operations conserves points per program and clears to zero', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40, size: 'medium' }), async (ops) => {
        const w = await pointsWorld();
        await w.call('ProposeRate', { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }, IDS.mallAAdmin);
        await w.call(
          'ApproveRate',
          { fromProgram: A, toProgram: B, numerator: 1, denominator: 2, unitValueFen: 10 },
          IDS.mallBAdmin,
        );
        await w.call('ProposeRate', { fromProgram: B, toProgram: A, numerator: 2, denominator: 1 }, IDS.mallBAdmin);
        await w.call(
          'ApproveRate',
          { fromProgram: B, toProgram: A, numerator: 2, denominator: 1, unitValueFen: 5 },
          IDS.mallAAdmin,
        );
        // A starting balance everywhere, past Mall A's return window, so that spends can succeed.
        for (const [i, p] of PROGRAMS.entries()) {
          const items = [w.alice, w.bob, w.carol].map((mem, j) => ({
            member: mem.did,
            amount: 200,
            sourceRef: `seed-${j}`,
          }));
          await w.call('AccrueBatch', { programId: p, items }, ISSUERS[i]);
        }
        w.ledger.advance(8 * DAY_MS);
        for (const o of ops) {
          const before = w.ledger.dump();
          try {
            await run(w, o);
          } catch (e) {
            expect((e as Error).message).toMatch(EXPECTED_REFUSALS);
            expect(w.ledger.dump()).toEqual(before);
          }
          checkConservation(w.ledger.dump());
        }
        await checkSettlement(w);
      }),
      { numRuns: 50 },
    );
  });
});
