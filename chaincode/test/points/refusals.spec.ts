/**
 * Every transaction refuses bad input with a stable code prefix and writes nothing. The
 * world is seeded once: a refusal must leave it as it was, which each case checks.
 */
import { DAY_MS } from '../../src/common/clock';
import { IDS, Identity } from '../support/fake-stub';
import { TestMember, seedMember } from '../support/points-dids';
import {
  A,
  AFTER_RETURN_WINDOW,
  B,
  PointsWorld,
  deadline,
  pointsWorld,
  signedExchange,
  signedRedeem,
  signedTransfer,
} from '../support/points-fixture';

let w: PointsWorld;
let dave: TestMember;
let stranger: string;
let periodId: string;
let emptyPeriodId: string;

beforeAll(async () => {
  w = await pointsWorld();
  dave = seedMember(w.ledger, 'ES256', true);
  stranger = 'did:mallchain:nobody';
  await w.call('Accrue', { programId: A, member: w.alice.did, amount: 300, sourceRef: 'r1' }, IDS.mallAClient);
  await w.call('Accrue', { programId: B, member: w.bob.did, amount: 100, sourceRef: 'b1' }, IDS.mallBClient);
  w.ledger.advance(AFTER_RETURN_WINDOW);
  await w.call(
    'Redeem',
    signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'used', programId: A, amount: 10 }, { nonce: 'used-1' }),
    IDS.mallBClient,
  );
  await w.call(
    'Transfer',
    signedTransfer(w, w.bob, { to: w.carol.did, programId: B, amount: 1 }, { nonce: 'used-2' }),
    IDS.mallBClient,
  );
  await w.call('UpdateMerchant', { merchantId: 'b-park', status: 'suspended' }, IDS.mallBAdmin);
  await w.call('ProposeRate', { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }, IDS.mallAAdmin);
  await w.call('ProposeRate', { fromProgram: B, toProgram: A, numerator: 2, denominator: 1 }, IDS.mallBAdmin);
  await w.call('ApproveRate', { fromProgram: B, toProgram: A, numerator: 2, denominator: 1 }, IDS.mallAAdmin);
  w.ledger.advance(3_600_000);
  const closed = await w.call<{ periodId: string }>('ClosePeriod', {
    from: '2026-03-01T00:00:00Z',
    to: new Date(w.ledger.now - 60_000).toISOString(),
  });
  periodId = closed.result.periodId;
  await w.call('ConfirmStatement', { periodId });
  const empty = await w.call<{ periodId: string }>(
    'ClosePeriod',
    { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
    IDS.mallBAdmin,
  );
  emptyPeriodId = empty.result.periodId;
});

/** A request, or a function that builds it once the world exists. */
type Req = unknown;
type Case = [fn: string, label: string, request: Req, who: Identity, expected: string];

const acc = (over: Record<string, unknown>) => (): unknown => ({
  programId: A,
  member: w.alice.did,
  amount: 10,
  sourceRef: 'new-1',
  ...over,
});
const redeemReq = (over: Partial<{ merchant: string; programId: string; amount: number }>) => (): unknown =>
  signedRedeem(w, w.alice, {
    merchant: 'b-food',
    ref: 'new-r',
    programId: A,
    amount: 10,
    ...over,
  });

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
  ['Accrue', 'a negative amount', acc({ amount: -5 }), IDS.mallAClient, 'INPUT_INVALID: amount: must be at least 1'],
  ['Accrue', 'a zero amount', acc({ amount: 0 }), IDS.mallAClient, 'INPUT_INVALID: amount: must be at least 1'],
  [
    'Accrue',
    'a huge amount',
    acc({ amount: 1e12 }),
    IDS.mallAClient,
    'INPUT_INVALID: amount: must be at most 1000000000',
  ],
  ['Accrue', 'a fractional amount', acc({ amount: 1.5 }), IDS.mallAClient, 'INPUT_INVALID: amount: must be an integer'],
  ['Accrue', 'a string amount', acc({ amount: '10' }), IDS.mallAClient, 'INPUT_INVALID: amount: must be an integer'],
  [
    'Accrue',
    'a member that is not a DID',
    acc({ member: '13800000000' }),
    IDS.mallAClient,
    'INPUT_INVALID: member: must be a DID',
  ],
  [
    'Accrue',
    'an unknown member',
    acc({ member: 'did:mallchain:nobody' }),
    IDS.mallAClient,
    'NOT_FOUND: member DID did:mallchain:nobody',
  ],
  ['Accrue', 'a deactivated member', () => acc({ member: dave.did })(), IDS.mallAClient, 'POINTS_MEMBER_INACTIVE'],
  ['Accrue', 'an unknown program', acc({ programId: 'NOPE' }), IDS.mallAClient, 'NOT_FOUND: program NOPE'],
  ['Accrue', 'an unknown merchant', acc({ merchant: 'nope' }), IDS.mallAClient, 'NOT_FOUND: merchant nope'],
  [
    'Accrue',
    "another program's merchant",
    acc({ merchant: 'b-food' }),
    IDS.mallAClient,
    'INPUT_INVALID: merchant: b-food earns through B-PTS',
  ],
  ['Accrue', 'the wrong org', acc({}), IDS.mallBClient, 'AUTH_FORBIDDEN: only MallAMSP may do this'],
  [
    'Accrue',
    'a missing sourceRef',
    acc({ sourceRef: undefined }),
    IDS.mallAClient,
    'INPUT_INVALID: sourceRef: must be a string',
  ],
  [
    'AccrueBatch',
    'no items',
    { programId: A, items: [] },
    IDS.mallAClient,
    'INPUT_INVALID: items: must have at least 1 item(s)',
  ],
  [
    'AccrueBatch',
    'items that are not an array',
    { programId: A, items: {} },
    IDS.mallAClient,
    'INPUT_INVALID: items: must be an array',
  ],
  [
    'AccrueBatch',
    '501 items',
    () => ({
      programId: A,
      items: Array.from({ length: 501 }, (_, i) => ({ member: w.alice.did, amount: 1, sourceRef: `s${i}` })),
    }),
    IDS.mallAClient,
    'INPUT_INVALID: items: must have at most 500 items',
  ],
  [
    'AccrueBatch',
    'one bad item among good ones',
    () => ({
      programId: A,
      items: [
        { member: w.alice.did, amount: 1, sourceRef: 'g1' },
        { member: w.alice.did, amount: -1, sourceRef: 'g2' },
      ],
    }),
    IDS.mallAClient,
    'INPUT_INVALID: items[1].amount: must be at least 1',
  ],
  [
    'AccrueBatch',
    'an item that is not an object',
    { programId: A, items: [5] },
    IDS.mallAClient,
    'INPUT_INVALID: items[0]: must be a JSON object',
  ],
  [
    'AccrueBatch',
    'one unknown member among good ones',
    () => ({
      programId: A,
      items: [
        { member: w.alice.did, amount: 1, sourceRef: 'g1' },
        { member: stranger, amount: 1, sourceRef: 'g2' },
      ],
    }),
    IDS.mallAClient,
    'NOT_FOUND: member DID',
  ],
  [
    'Reverse',
    'an unknown sourceRef',
    { programId: A, sourceRef: 'nope', reversalRef: 'rv1' },
    IDS.mallAClient,
    'NOT_FOUND: accrual A-PTS/nope',
  ],
  [
    'Reverse',
    'more than remains',
    { programId: A, sourceRef: 'r1', reversalRef: 'rv1', amount: 291 },
    IDS.mallAClient,
    'POINTS_INSUFFICIENT: cannot reverse 291 points of r1: 290 remain',
  ],
  [
    'Reverse',
    'a full reversal of a partly spent lot',
    { programId: A, sourceRef: 'r1', reversalRef: 'rv1' },
    IDS.mallAClient,
    'POINTS_INSUFFICIENT: cannot reverse 300',
  ],
  [
    'Reverse',
    'a zero amount',
    { programId: A, sourceRef: 'r1', reversalRef: 'rv1', amount: 0 },
    IDS.mallAClient,
    'INPUT_INVALID: amount: must be at least 1',
  ],
  [
    'Reverse',
    'the wrong org',
    { programId: A, sourceRef: 'r1', reversalRef: 'rv1', amount: 1 },
    IDS.mallBAdmin,
    'AUTH_FORBIDDEN',
  ],
  [
    'Redeem',
    'a cross-mall redemption without consent',
    () => ({ merchant: 'b-food', ref: 'x', member: w.alice.did, programId: A, amount: 5 }),
    IDS.mallBClient,
    'POINTS_CONSENT_REQUIRED',
  ],
  [
    'Redeem',
    'an expired consent',
    () =>
      signedRedeem(
        w,
        w.alice,
        { merchant: 'b-food', ref: 'x', programId: A, amount: 5 },
        { deadline: deadline(w.ledger, -1000) },
      ),
    IDS.mallBClient,
    'POINTS_CONSENT_EXPIRED',
  ],
  [
    'Redeem',
    'a replayed nonce',
    () => signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }, { nonce: 'used-1' }),
    IDS.mallBClient,
    'POINTS_NONCE_REPLAYED: nonce used-1',
  ],
  [
    'Redeem',
    'a consent for another amount',
    () => ({
      ...(signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }) as object),
      amount: 50,
    }),
    IDS.mallBClient,
    'AUTH_SIGNATURE: signature by',
  ],
  [
    'Redeem',
    "another member's key",
    () => ({
      ...(signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }) as object),
      consent: { kid: w.bob.kid, signature: 'AAAA' },
    }),
    IDS.mallBClient,
    'AUTH_SIGNATURE: did:mallchain:',
  ],
  [
    'Redeem',
    'a malformed signature',
    () => ({
      ...(signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }) as object),
      consent: { kid: w.alice.kid, signature: 'not base64!' },
    }),
    IDS.mallBClient,
    'INPUT_INVALID: signature: must be base64url',
  ],
  [
    'Redeem',
    'a deadline that is not a time',
    () => ({
      ...(signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }) as object),
      deadline: 'tomorrow',
    }),
    IDS.mallBClient,
    'INPUT_INVALID: deadline',
  ],
  [
    'Redeem',
    'an unknown member',
    () => ({
      ...(signedRedeem(w, w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }) as object),
      member: stranger,
    }),
    IDS.mallBClient,
    'NOT_FOUND: DID did:mallchain:nobody',
  ],
  ['Redeem', 'an unknown merchant', redeemReq({ merchant: 'nope' }), IDS.mallBClient, 'NOT_FOUND: merchant nope'],
  ['Redeem', 'an unknown program', redeemReq({ programId: 'NOPE' }), IDS.mallBClient, 'NOT_FOUND: program NOPE'],
  [
    'Redeem',
    'more than is available',
    redeemReq({ amount: 291 }),
    IDS.mallBClient,
    'POINTS_INSUFFICIENT: 291 points requested, 290 available',
  ],
  [
    'Redeem',
    'a huge amount',
    redeemReq({ amount: 2 ** 60 }),
    IDS.mallBClient,
    'INPUT_INVALID: amount: must be an integer',
  ],
  [
    'Redeem',
    'a negative amount',
    redeemReq({ amount: -3 }),
    IDS.mallBClient,
    'INPUT_INVALID: amount: must be at least 1',
  ],
  ['Redeem', 'a suspended merchant', redeemReq({ merchant: 'b-park' }), IDS.mallBClient, 'POINTS_MERCHANT_SUSPENDED'],
  ['Redeem', "another mall's merchant", redeemReq({}), IDS.mallAClient, 'AUTH_FORBIDDEN: only MallBMSP may do this'],
  ['Redeem', 'an identity without a role', redeemReq({}), IDS.unknown, 'AUTH_FORBIDDEN'],
  [
    'Transfer',
    'a transfer to oneself',
    () => signedTransfer(w, w.bob, { to: w.bob.did, programId: B, amount: 5 }),
    IDS.mallBClient,
    'INPUT_INVALID: to: must differ',
  ],
  [
    'Transfer',
    'an unknown recipient',
    () => signedTransfer(w, w.bob, { to: stranger, programId: B, amount: 5 }),
    IDS.mallBClient,
    'NOT_FOUND: member DID did:mallchain:nobody',
  ],
  [
    'Transfer',
    'a deactivated recipient',
    () => signedTransfer(w, w.bob, { to: dave.did, programId: B, amount: 5 }),
    IDS.mallBClient,
    'POINTS_MEMBER_INACTIVE',
  ],
  [
    'Transfer',
    'more than is available',
    () => signedTransfer(w, w.bob, { to: w.carol.did, programId: B, amount: 100 }),
    IDS.mallBClient,
    'POINTS_INSUFFICIENT: 100 points requested, 99 available',
  ],
  [
    'Transfer',
    'a replayed nonce',
    () => signedTransfer(w, w.bob, { to: w.carol.did, programId: B, amount: 1 }, { nonce: 'used-2' }),
    IDS.mallBClient,
    'POINTS_NONCE_REPLAYED',
  ],
  [
    'Transfer',
    'an expired consent',
    () => signedTransfer(w, w.bob, { to: w.carol.did, programId: B, amount: 1 }, { deadline: deadline(w.ledger, -1) }),
    IDS.mallBClient,
    'POINTS_CONSENT_EXPIRED',
  ],
  [
    'Transfer',
    'a changed recipient',
    () => ({ ...(signedTransfer(w, w.bob, { to: w.carol.did, programId: B, amount: 1 }) as object), to: w.alice.did }),
    IDS.mallBClient,
    'AUTH_SIGNATURE',
  ],
  [
    'Transfer',
    'a missing consent',
    () => ({ programId: B, from: w.bob.did, to: w.carol.did, amount: 1, nonce: 'n', deadline: deadline(w.ledger) }),
    IDS.mallBClient,
    'INPUT_INVALID: consent: must be a JSON object',
  ],
  [
    'Transfer',
    'an unknown program',
    () => signedTransfer(w, w.bob, { to: w.carol.did, programId: 'NOPE', amount: 1 }),
    IDS.mallBClient,
    'NOT_FOUND: program NOPE',
  ],
  [
    'Transfer',
    'an identity without a role',
    () => signedTransfer(w, w.bob, { to: w.carol.did, programId: B, amount: 1 }),
    IDS.unknown,
    'AUTH_ROLE',
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
    { fromProgram: A, toProgram: B, numerator: 1, denominator: 3 },
    IDS.mallBAdmin,
    'POINTS_RATE_MISMATCH: proposed rate is 1/2',
  ],
  [
    'ApproveRate',
    'the proposer itself',
    { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 },
    IDS.mallAAdmin,
    'AUTH_FORBIDDEN: only MallBMSP',
  ],
  [
    'ApproveRate',
    'no proposal',
    { fromProgram: B, toProgram: 'NOPE', numerator: 1, denominator: 2 },
    IDS.mallAAdmin,
    'NOT_FOUND: program NOPE',
  ],
  [
    'ApproveRate',
    'an approved rate',
    { fromProgram: B, toProgram: A, numerator: 2, denominator: 1 },
    IDS.mallAAdmin,
    'POINTS_RATE_STATE',
  ],
  [
    'Exchange',
    'a rate not yet approved',
    () => signedExchange(w, w.alice, { fromProgram: A, toProgram: B, amount: 10, receive: 5 }),
    IDS.mallAClient,
    'POINTS_RATE_NOT_APPROVED',
  ],
  [
    'Exchange',
    'an inexact receive',
    () => signedExchange(w, w.bob, { fromProgram: B, toProgram: A, amount: 10, receive: 21 }),
    IDS.mallBClient,
    'INPUT_INVALID: receive: at 2/1, 10 points give 20',
  ],
  [
    'Exchange',
    'more than is available',
    () => signedExchange(w, w.bob, { fromProgram: B, toProgram: A, amount: 100, receive: 200 }),
    IDS.mallBClient,
    'POINTS_INSUFFICIENT',
  ],
  [
    'Exchange',
    'a replayed nonce',
    () => signedExchange(w, w.bob, { fromProgram: B, toProgram: A, amount: 1, receive: 2 }, { nonce: 'used-2' }),
    IDS.mallBClient,
    'POINTS_NONCE_REPLAYED',
  ],
  [
    'Exchange',
    'the same program twice',
    () => signedExchange(w, w.bob, { fromProgram: B, toProgram: B, amount: 1, receive: 1 }),
    IDS.mallBClient,
    'INPUT_INVALID: toProgram',
  ],
  [
    'Exchange',
    'an identity without a role',
    () => signedExchange(w, w.bob, { fromProgram: B, toProgram: A, amount: 1, receive: 2 }),
    IDS.unknown,
    'AUTH_ROLE',
  ],
  ['Expire', 'a zero limit', { programId: A, limit: 0 }, IDS.mallAClient, 'INPUT_INVALID: limit: must be at least 1'],
  [
    'Expire',
    'a limit over the batch size',
    { programId: A, limit: 501 },
    IDS.mallAClient,
    'INPUT_INVALID: limit: must be at most 500',
  ],
  ['Expire', 'an unknown program', { programId: 'NOPE' }, IDS.mallAClient, 'NOT_FOUND: program NOPE'],
  ['Expire', 'the wrong org', { programId: A }, IDS.mallBAdmin, 'AUTH_FORBIDDEN'],
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
    'POINTS_PERIOD_CLOSED: overlaps the closed period 2026-01-01',
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
  ['ConfirmStatement', 'a second confirmation', () => ({ periodId }), IDS.mallAAdmin, 'POINTS_ALREADY_CONFIRMED'],
  [
    'ConfirmStatement',
    'a mall without a position',
    () => ({ periodId: emptyPeriodId }),
    IDS.mallAAdmin,
    'AUTH_FORBIDDEN: MallAMSP has no position',
  ],
  ['ConfirmStatement', 'a client identity', () => ({ periodId }), IDS.mallBClient, 'AUTH_ROLE'],
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
    () => ({ member: w.alice.did, expiringWithinDays: -1 }),
    IDS.mallAClient,
    'INPUT_INVALID: expiringWithinDays',
  ],
  ['GetBalance', 'an identity without a role', () => ({ member: w.alice.did }), IDS.unknown, 'AUTH_ROLE'],
  [
    'GetLots',
    'a non-boolean includeEmpty',
    () => ({ member: w.alice.did, includeEmpty: 'yes' }),
    IDS.mallAClient,
    'INPUT_INVALID: includeEmpty: must be true or false',
  ],
  [
    'GetHistory',
    'a huge limit',
    () => ({ member: w.alice.did, limit: 1e6 }),
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
];

describe('points: refusals write nothing', () => {
  it.each(cases)('%s refuses %s', async (fn, _label, request, who, expected) => {
    const before = w.ledger.dump();
    const events = w.ledger.events.length;
    const req = typeof request === 'function' ? (request as () => unknown)() : request;
    await expect(w.call(fn, req, who)).rejects.toThrow(expected);
    expect(w.ledger.dump()).toEqual(before);
    expect(w.ledger.events.length).toBe(events);
  });

  it('covers every transaction of the contract', () => {
    const proto = Object.getPrototypeOf(w.contract) as object;
    const fns = Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor');
    const tested = new Set(cases.map(([fn]) => fn));
    expect(fns.filter((fn) => !tested.has(fn))).toEqual([]);
  });

  it('a refused accrual after time passes still writes nothing', async () => {
    w.ledger.advance(DAY_MS);
    const before = w.ledger.dump();
    await expect(w.call('Accrue', acc({ member: stranger })(), IDS.mallAClient)).rejects.toThrow('NOT_FOUND');
    expect(w.ledger.dump()).toEqual(before);
  });
});
