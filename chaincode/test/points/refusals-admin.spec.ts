/** Refusals of programs, merchants, rates, settlement and queries: each writes nothing. */
import { IDS } from '../support/fake-stub';
import { Case, EARN_TXS, S, SPEND_TXS, expectRefusal, seed } from '../support/points-refusals';
import { A, B } from '../support/points-fixture';

beforeAll(seed);

const cases: Case[] = [
  ['RegisterProgram', 'not JSON', '{', IDS.mallAAdmin, 'INPUT_INVALID: request: is not valid JSON'],
  ['RegisterProgram', 'an array', [], IDS.mallAAdmin, 'INPUT_INVALID: request: must be a JSON object'],
  [
    'RegisterProgram',
    'a string unit value',
    { programId: 'P2', name: 'x', unitValueFen: '5', expiryMonths: 1, returnWindowDays: 0 },
    IDS.mallAAdmin,
    'INPUT_INVALID: unitValueFen: must be an integer',
  ],
  [
    'RegisterProgram',
    'a negative unit value',
    { programId: 'P2', name: 'x', unitValueFen: -1, expiryMonths: 1, returnWindowDays: 0 },
    IDS.mallAAdmin,
    'INPUT_INVALID: unitValueFen: must be at least 1',
  ],
  [
    'RegisterProgram',
    'a huge expiry',
    { programId: 'P2', name: 'x', unitValueFen: 1, expiryMonths: 1e9, returnWindowDays: 0 },
    IDS.mallAAdmin,
    'INPUT_INVALID: expiryMonths: must be at most 120',
  ],
  [
    'RegisterProgram',
    'an id with a space',
    { programId: 'P 2', name: 'x', unitValueFen: 1, expiryMonths: 1, returnWindowDays: 0 },
    IDS.mallAAdmin,
    'INPUT_INVALID: programId',
  ],
  [
    'RegisterProgram',
    'an existing program',
    { programId: A, name: 'x', unitValueFen: 1, expiryMonths: 1, returnWindowDays: 0 },
    IDS.mallAAdmin,
    'CONFLICT: program A-PTS already exists',
  ],
  [
    'RegisterProgram',
    'a client identity',
    { programId: 'P2', name: 'x', unitValueFen: 1, expiryMonths: 1, returnWindowDays: 0 },
    IDS.mallAClient,
    'AUTH_ROLE',
  ],
  [
    'RegisterProgram',
    'a return window longer than the expiry (points would go from pending to expired)',
    { programId: 'P2', name: 'x', unitValueFen: 1, expiryMonths: 1, returnWindowDays: 31 },
    IDS.mallAAdmin,
    'INPUT_INVALID: returnWindowDays: must be shorter than the expiry (1 month(s) = at least 28 days)',
  ],
  [
    'RegisterProgram',
    'a return window as long as the shortest expiry',
    { programId: 'P2', name: 'x', unitValueFen: 1, expiryMonths: 1, returnWindowDays: 28 },
    IDS.mallAAdmin,
    'INPUT_INVALID: returnWindowDays: must be shorter than the expiry',
  ],
  [
    'UpdateProgram',
    'a return window that the current expiry does not cover',
    { programId: A, returnWindowDays: 365 },
    IDS.mallAAdmin,
    'INPUT_INVALID: returnWindowDays: must be shorter than the expiry (12 month(s) = at least 336 days)',
  ],
  [
    'UpdateProgram',
    'an expiry shorter than the current return window',
    { programId: A, expiryMonths: 0 + 1, returnWindowDays: 30 },
    IDS.mallAAdmin,
    'INPUT_INVALID: returnWindowDays: must be shorter than the expiry',
  ],
  [
    'UpdateProgram',
    'an unknown program',
    { programId: 'NOPE', unitValueFen: 2 },
    IDS.mallAAdmin,
    'NOT_FOUND: program NOPE does not exist',
  ],
  [
    'UpdateProgram',
    'another mall',
    { programId: A, unitValueFen: 2 },
    IDS.mallBAdmin,
    'AUTH_FORBIDDEN: only MallAMSP may do this',
  ],
  [
    'UpdateProgram',
    'a negative return window',
    { programId: A, returnWindowDays: -1 },
    IDS.mallAAdmin,
    'INPUT_INVALID: returnWindowDays: must be at least 0',
  ],
  [
    'RegisterMerchant',
    'an unknown category',
    { merchantId: 'm2', name: 'x', category: 'bank', programId: A },
    IDS.mallAAdmin,
    'INPUT_INVALID: category: must be one of retail, food, parking',
  ],
  [
    'RegisterMerchant',
    "another mall's program",
    { merchantId: 'm2', name: 'x', category: 'food', programId: B },
    IDS.mallAAdmin,
    'INPUT_INVALID: programId: B-PTS is issued by MallBMSP',
  ],
  [
    'RegisterMerchant',
    'an unknown program',
    { merchantId: 'm2', name: 'x', category: 'food', programId: 'NOPE' },
    IDS.mallAAdmin,
    'NOT_FOUND: program NOPE',
  ],
  [
    'RegisterMerchant',
    'an existing merchant',
    { merchantId: 'a-shoes', name: 'x', category: 'food', programId: A },
    IDS.mallAAdmin,
    'CONFLICT: merchant a-shoes already exists',
  ],
  [
    'UpdateMerchant',
    'an unknown merchant',
    { merchantId: 'nope', name: 'x' },
    IDS.mallAAdmin,
    'NOT_FOUND: merchant nope',
  ],
  ['UpdateMerchant', "another mall's merchant", { merchantId: 'b-food', name: 'x' }, IDS.mallAAdmin, 'AUTH_FORBIDDEN'],
  [
    'UpdateMerchant',
    'an unknown status',
    { merchantId: 'a-shoes', status: 'closed' },
    IDS.mallAAdmin,
    'INPUT_INVALID: status',
  ],
  [
    'ProposeRate',
    'an unknown program',
    { fromProgram: A, toProgram: 'NOPE', numerator: 1, denominator: 1 },
    IDS.mallAAdmin,
    'NOT_FOUND: program NOPE',
  ],
  [
    'ProposeRate',
    'a zero numerator',
    { fromProgram: A, toProgram: B, numerator: 0, denominator: 1 },
    IDS.mallAAdmin,
    'INPUT_INVALID: numerator: must be at least 1',
  ],
  [
    'ProposeRate',
    'the same program twice',
    { fromProgram: A, toProgram: A, numerator: 1, denominator: 1 },
    IDS.mallAAdmin,
    'INPUT_INVALID: toProgram: must differ',
  ],
  [
    'ProposeRate',
    'a client identity',
    { fromProgram: A, toProgram: B, numerator: 1, denominator: 1 },
    IDS.mallAClient,
    'AUTH_ROLE',
  ],
  [
    'ApproveRate',
    'different terms',
    { fromProgram: A, toProgram: B, numerator: 1, denominator: 3, unitValueFen: 10 },
    IDS.mallBAdmin,
    'POINTS_RATE_MISMATCH: proposed rate is 1/2',
  ],
  [
    'ApproveRate',
    'the proposer itself',
    { fromProgram: A, toProgram: B, numerator: 1, denominator: 2, unitValueFen: 10 },
    IDS.mallAAdmin,
    'AUTH_FORBIDDEN: only MallBMSP',
  ],
  [
    'ApproveRate',
    'no proposal',
    { fromProgram: B, toProgram: 'NOPE', numerator: 1, denominator: 2, unitValueFen: 5 },
    IDS.mallAAdmin,
    'NOT_FOUND: program NOPE',
  ],
  [
    'ApproveRate',
    'an approved rate',
    { fromProgram: B, toProgram: A, numerator: 2, denominator: 1, unitValueFen: 5 },
    IDS.mallAAdmin,
    'POINTS_RATE_STATE',
  ],
  [
    'ClosePeriod',
    'to before from',
    { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
    IDS.mallAAdmin,
    'INPUT_INVALID: to: must be after from',
  ],
  [
    'ClosePeriod',
    'a period not yet over',
    { from: '2026-04-01T00:00:00Z', to: '2027-01-01T00:00:00Z' },
    IDS.mallAAdmin,
    'POINTS_PERIOD_OPEN',
  ],
  [
    'ClosePeriod',
    'an overlapping period',
    { from: '2026-01-15T00:00:00Z', to: '2026-02-15T00:00:00Z' },
    IDS.mallBAdmin,
    'POINTS_PERIOD_CLOSED: overlaps the closed period 2026-03-',
  ],
  [
    'ClosePeriod',
    'a date without a zone',
    { from: '2025-01-01 00:00:00', to: '2025-02-01T00:00:00Z' },
    IDS.mallAAdmin,
    'INPUT_INVALID: from: must be an ISO-8601 UTC time',
  ],
  [
    'ClosePeriod',
    'a client identity',
    { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' },
    IDS.mallAClient,
    'AUTH_ROLE',
  ],
  [
    'ConfirmStatement',
    'an unknown period',
    { periodId: '2020-01-01..2020-02-01' },
    IDS.mallAAdmin,
    'NOT_FOUND: statement',
  ],
  [
    'ConfirmStatement',
    'a second confirmation',
    () => ({ periodId: S.periodId }),
    IDS.mallAAdmin,
    'POINTS_ALREADY_CONFIRMED',
  ],
  [
    'ConfirmStatement',
    'a mall without a position',
    () => ({ periodId: S.emptyPeriodId }),
    IDS.mallAAdmin,
    'AUTH_FORBIDDEN: MallAMSP has no position',
  ],
  ['ConfirmStatement', 'a client identity', () => ({ periodId: S.periodId }), IDS.mallBClient, 'AUTH_ROLE'],
  [
    'GetBalance',
    'a member that is not a DID',
    { member: 'alice' },
    IDS.mallAClient,
    'INPUT_INVALID: member: must be a DID',
  ],
  [
    'GetBalance',
    'a negative horizon',
    () => ({ member: S.w.alice.did, expiringWithinDays: -1 }),
    IDS.mallAClient,
    'INPUT_INVALID: expiringWithinDays',
  ],
  ['GetBalance', 'an identity without a role', () => ({ member: S.w.alice.did }), IDS.unknown, 'AUTH_ROLE'],
  [
    'GetLots',
    'a non-boolean includeEmpty',
    () => ({ member: S.w.alice.did, includeEmpty: 'yes' }),
    IDS.mallAClient,
    'INPUT_INVALID: includeEmpty: must be true or false',
  ],
  [
    'GetHistory',
    'a huge limit',
    () => ({ member: S.w.alice.did, limit: 1e6 }),
    IDS.mallAClient,
    'INPUT_INVALID: limit: must be at most 1000',
  ],
  ['GetProgram', 'an unknown program', { programId: 'NOPE' }, IDS.mallAClient, 'NOT_FOUND: program NOPE'],
  ['GetMerchant', 'an unknown merchant', { merchantId: 'nope' }, IDS.mallAClient, 'NOT_FOUND: merchant nope'],
  [
    'GetAccrual',
    'an unknown accrual',
    { programId: A, sourceRef: 'nope' },
    IDS.mallAClient,
    'NOT_FOUND: accrual A-PTS/nope',
  ],
  [
    'GetRedemption',
    'an unknown redemption',
    { merchant: 'b-food', ref: 'nope' },
    IDS.mallAClient,
    'NOT_FOUND: redemption b-food/nope',
  ],
  ['GetRate', 'an unknown rate', { fromProgram: 'X', toProgram: 'Y' }, IDS.mallAClient, 'NOT_FOUND: rate X->Y'],
  [
    'GetClearing',
    'a reversed period',
    { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
    IDS.mallAClient,
    'INPUT_INVALID: to: must be after from',
  ],
  ['GetStatement', 'an unknown period', { periodId: 'nope' }, IDS.mallAClient, 'NOT_FOUND: statement nope'],
  ['ListPrograms', 'not JSON', 'x', IDS.mallAClient, 'INPUT_INVALID: request: is not valid JSON'],
  ['GetClosedBound', 'an identity without a role', {}, IDS.unknown, 'AUTH_ROLE'],
  [
    'WithdrawRate',
    'an unknown program',
    { fromProgram: A, toProgram: 'NOPE' },
    IDS.mallAAdmin,
    'NOT_FOUND: program NOPE',
  ],
  ['WithdrawRate', 'a client identity', { fromProgram: B, toProgram: A }, IDS.mallAClient, 'AUTH_ROLE'],
];

describe('points: refusals of programs, merchants, rates, settlement and queries', () => {
  it.each(cases)('%s refuses %s', async (...c) => {
    await expectRefusal(c);
  });

  it('together with the earn and spend tables, covers every transaction of the contract', () => {
    const fns = Object.getOwnPropertyNames(Object.getPrototypeOf(S.w.contract) as object).filter(
      (n) => n !== 'constructor',
    );
    const elsewhere = [...EARN_TXS, ...SPEND_TXS];
    const tested = new Set([...cases.map(([fn]) => fn), ...elsewhere]);
    expect(fns.filter((fn) => !tested.has(fn))).toEqual([]);
    expect(cases.filter(([fn]) => elsewhere.includes(fn))).toEqual([]);
  });
});
