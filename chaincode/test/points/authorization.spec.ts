/**
 * Authorization matrix: every transaction × every identity, each cell on a fresh world.
 * `ok` = committed; otherwise the error code the caller gets (and nothing is written).
 */
import { SETTLEMENT_LAG_MS } from '../../src/points/settlement';
import { IDS, Identity } from '../support/fake-stub';
import {
  A,
  AFTER_RETURN_WINDOW,
  B,
  PointsWorld,
  pointsWorld,
  signedExchange,
  signedRedeem,
  signedTransfer,
} from '../support/points-fixture';

type Outcome = 'ok' | 'AUTH_ROLE' | 'AUTH_FORBIDDEN' | 'INPUT_INVALID';
type Row = [Outcome, Outcome, Outcome, Outcome, Outcome];

interface Spec {
  setup?: (w: PointsWorld) => Promise<void>;
  request: (w: PointsWorld) => unknown;
  fn?: string;
}

const WHO: [string, Identity][] = [
  ['mallAAdmin', IDS.mallAAdmin],
  ['mallAClient', IDS.mallAClient],
  ['mallBAdmin', IDS.mallBAdmin],
  ['mallBClient', IDS.mallBClient],
  ['unknown', IDS.unknown],
];

const aliceHasPoints = async (w: PointsWorld): Promise<void> => {
  await w.call('Accrue', { programId: A, member: w.alice.did, amount: 100, sourceRef: 'r1' }, IDS.mallAClient);
  w.ledger.advance(AFTER_RETURN_WINDOW);
};

const closed = async (w: PointsWorld): Promise<void> => {
  await aliceHasPoints(w);
  await w.call(
    'Redeem',
    signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 10 }),
    IDS.mallBClient,
  );
  w.ledger.advance(2 * 86_400_000);
  await w.call('ClosePeriod', { from: '2026-03-01T00:00:00Z', to: '2026-03-10T00:00:00Z' }, IDS.mallBAdmin);
};

const PERIOD = '2026-03-01T00:00:00.000Z..2026-03-10T00:00:00.000Z';
const day = (w: PointsWorld): { from: string; to: string } => ({
  from: '2026-03-01T00:00:00Z',
  to: new Date(w.ledger.now - SETTLEMENT_LAG_MS).toISOString(),
});

const specs: Record<string, Spec> = {
  RegisterProgram: {
    request: () => ({ programId: 'NEW', name: 'n', unitValueFen: 1, expiryMonths: 1, returnWindowDays: 0 }),
  },
  UpdateProgram: { request: () => ({ programId: A, unitValueFen: 6 }) },
  RegisterMerchant: { request: () => ({ merchantId: 'new', name: 'n', category: 'food', programId: A }) },
  UpdateMerchant: { request: () => ({ merchantId: 'a-shoes', name: 'renamed' }) },
  Accrue: { request: (w) => ({ programId: A, member: w.alice.did, amount: 5, sourceRef: 's1' }) },
  AccrueBatch: { request: (w) => ({ programId: A, items: [{ member: w.alice.did, amount: 5, sourceRef: 's1' }] }) },
  Reverse: { setup: aliceHasPoints, request: () => ({ programId: A, sourceRef: 'r1', reversalRef: 'rv', amount: 5 }) },
  Adjust: {
    setup: aliceHasPoints,
    request: (w) => ({ programId: A, member: w.alice.did, amount: 5, reasonCode: 'WRONG_RECEIPT', ref: 'adj-1' }),
  },
  'Redeem (own mall)': {
    fn: 'Redeem',
    setup: aliceHasPoints,
    request: (w) => ({ merchant: 'a-shoes', ref: 'x', member: w.alice.did, programId: A, amount: 5 }),
  },
  'Redeem (cross-mall, consent)': {
    fn: 'Redeem',
    setup: aliceHasPoints,
    request: (w) => signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }),
  },
  Transfer: {
    setup: aliceHasPoints,
    request: (w) => signedTransfer(w, w.alice, { to: w.bob.did, programId: A, amount: 5 }),
  },
  ProposeRate: { request: () => ({ fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }) },
  ApproveRate: {
    setup: async (w) => {
      await w.call('ProposeRate', { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }, IDS.mallAAdmin);
    },
    request: () => ({ fromProgram: A, toProgram: B, numerator: 1, denominator: 2, unitValueFen: 10 }),
  },
  WithdrawRate: {
    setup: async (w) => {
      await w.call('ProposeRate', { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }, IDS.mallAAdmin);
    },
    request: () => ({ fromProgram: A, toProgram: B }),
  },
  Exchange: {
    setup: async (w) => {
      await aliceHasPoints(w);
      await w.call('ProposeRate', { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }, IDS.mallAAdmin);
      await w.call(
        'ApproveRate',
        { fromProgram: A, toProgram: B, numerator: 1, denominator: 2, unitValueFen: 10 },
        IDS.mallBAdmin,
      );
    },
    request: (w) => signedExchange(w, w.alice, { fromProgram: A, toProgram: B, amount: 10, receive: 5 }),
  },
  Expire: { request: () => ({ programId: A }) },
  ConsolidateLots: { setup: aliceHasPoints, request: (w) => ({ programId: A, member: w.alice.did }) },
  ClaimNamespace: { request: () => ({ namespace: 'mallx' }) },
  ClosePeriod: { request: (w) => day(w) },
  ConfirmStatement: { setup: closed, request: () => ({ periodId: PERIOD }) },
  GetProgram: { request: () => ({ programId: A }) },
  ListPrograms: { request: () => ({}) },
  GetMerchant: { request: () => ({ merchantId: 'b-food' }) },
  GetBalance: { request: (w) => ({ member: w.alice.did }) },
  GetLots: { request: (w) => ({ member: w.alice.did }) },
  GetHistory: { request: (w) => ({ member: w.alice.did }) },
  GetAccrual: { setup: aliceHasPoints, request: () => ({ programId: A, sourceRef: 'r1' }) },
  GetRedemption: { setup: closed, request: () => ({ merchant: 'b-food', ref: 'x' }) },
  GetAdjustment: {
    setup: async (w) => {
      await aliceHasPoints(w);
      w.ledger.advance(AFTER_RETURN_WINDOW);
      const adj = { programId: A, member: w.alice.did, amount: 1, reasonCode: 'FIX', ref: 'adj-1' };
      await w.call('Adjust', adj, IDS.mallAClient);
    },
    request: () => ({ programId: A, ref: 'adj-1' }),
  },
  GetRate: {
    setup: (w) =>
      w.call('ProposeRate', { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }).then(() => undefined),
    request: () => ({ fromProgram: A, toProgram: B }),
  },
  GetClearing: { request: (w) => day(w) },
  GetStatement: { setup: closed, request: () => ({ periodId: PERIOD }) },
  GetClosedBound: { setup: closed, request: () => ({}) },
  GetNamespace: { request: () => ({ namespace: 'mallx' }) },
};

const QUERY: Row = ['ok', 'ok', 'ok', 'ok', 'AUTH_ROLE'];
const ISSUER_A: Row = ['ok', 'ok', 'AUTH_FORBIDDEN', 'AUTH_FORBIDDEN', 'AUTH_FORBIDDEN'];
const ANY_ADMIN: Row = ['ok', 'AUTH_ROLE', 'ok', 'AUTH_ROLE', 'AUTH_ROLE'];
const A_ADMIN: Row = ['ok', 'AUTH_ROLE', 'AUTH_FORBIDDEN', 'AUTH_FORBIDDEN', 'AUTH_FORBIDDEN'];
const SIGNED: Row = ['ok', 'ok', 'ok', 'ok', 'AUTH_ROLE'];

//                                         mallAAdmin        mallAClient       mallBAdmin        mallBClient       unknown
const matrix: Record<string, Row> = {
  RegisterProgram: ANY_ADMIN,
  UpdateProgram: A_ADMIN,
  // Mall B's admin may register merchants, but only on its own program.
  RegisterMerchant: ['ok', 'AUTH_ROLE', 'INPUT_INVALID', 'AUTH_ROLE', 'AUTH_ROLE'],
  UpdateMerchant: A_ADMIN,
  Accrue: ISSUER_A,
  AccrueBatch: ISSUER_A,
  Reverse: ISSUER_A,
  Adjust: ISSUER_A,
  'Redeem (own mall)': ISSUER_A,
  'Redeem (cross-mall, consent)': ['AUTH_FORBIDDEN', 'AUTH_FORBIDDEN', 'ok', 'ok', 'AUTH_FORBIDDEN'],
  Transfer: SIGNED,
  ProposeRate: ['ok', 'AUTH_ROLE', 'ok', 'AUTH_ROLE', 'AUTH_FORBIDDEN'],
  ApproveRate: ['AUTH_FORBIDDEN', 'AUTH_FORBIDDEN', 'ok', 'AUTH_ROLE', 'AUTH_FORBIDDEN'],
  WithdrawRate: ['ok', 'AUTH_ROLE', 'ok', 'AUTH_ROLE', 'AUTH_FORBIDDEN'],
  Exchange: SIGNED,
  Expire: ISSUER_A,
  ConsolidateLots: ISSUER_A,
  ClaimNamespace: ANY_ADMIN,
  ClosePeriod: ANY_ADMIN,
  ConfirmStatement: ANY_ADMIN,
  GetProgram: QUERY,
  ListPrograms: QUERY,
  GetMerchant: QUERY,
  GetBalance: QUERY,
  GetLots: QUERY,
  GetHistory: QUERY,
  GetAccrual: QUERY,
  GetRedemption: QUERY,
  GetAdjustment: QUERY,
  GetRate: QUERY,
  GetClearing: QUERY,
  GetStatement: QUERY,
  GetClosedBound: QUERY,
  GetNamespace: QUERY,
};

const cells = Object.entries(matrix).flatMap(([tx, row]) =>
  WHO.map(([name, who], i) => [tx, name, who, row[i] as Outcome] as const),
);

describe('points: authorization matrix', () => {
  it.each(cells)('%s as %s', async (tx, _name, who, expected) => {
    const w = await pointsWorld();
    const spec = specs[tx]!;
    await spec.setup?.(w);
    const before = w.ledger.dump();
    const call = w.call(spec.fn ?? tx, spec.request(w), who);
    if (expected === 'ok') {
      const { txId } = await call;
      expect(txId).toMatch(/^tx\d+$/);
    } else {
      await expect(call).rejects.toThrow(`${expected}:`);
      expect(w.ledger.dump()).toEqual(before);
    }
  });

  it('has a row for every transaction', async () => {
    const w = await pointsWorld();
    const names = new Set(Object.entries(specs).map(([tx, s]) => s.fn ?? tx));
    const fns = Object.getOwnPropertyNames(Object.getPrototypeOf(w.contract) as object).filter(
      (n) => n !== 'constructor',
    );
    expect(fns.filter((fn) => !names.has(fn))).toEqual([]);
    expect(Object.keys(matrix).sort()).toEqual(Object.keys(specs).sort());
  });
});
