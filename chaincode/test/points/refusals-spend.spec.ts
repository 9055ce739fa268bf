/**
 * Refusals of the transactions that spend a member's points (redemption, transfer, exchange with
 * their consent; the issuer's debit adjustment): each writes nothing and emits nothing.
 */
import { IDS } from '../support/fake-stub';
import { Case, S, SPEND_TXS, expectRefusal, seed } from '../support/points-refusals';
import { A, B, deadline, signedExchange, signedRedeem, signedTransfer } from '../support/points-fixture';

beforeAll(seed);

const redeemReq = (over: Partial<{ merchant: string; programId: string; amount: number }>) => (): unknown =>
  signedRedeem(S.w, S.w.alice, { merchant: 'b-food', ref: 'new-r', programId: A, amount: 10, ...over });

const adjustReq = (over: Record<string, unknown>) => (): unknown => ({
  programId: A,
  member: S.w.alice.did,
  amount: 5,
  reasonCode: 'WRONG',
  ref: 'adj-x',
  ...over,
});

const consolidateReq = (over: Record<string, unknown>) => (): unknown => ({
  programId: A,
  member: S.w.alice.did,
  ...over,
});

const cases: Case[] = [
  ['ConsolidateLots', "another mall's program", consolidateReq({}), IDS.mallBAdmin, 'AUTH_FORBIDDEN'],
  ['ConsolidateLots', 'an unknown program', consolidateReq({ programId: 'NOPE' }), IDS.mallAClient, 'NOT_FOUND'],
  ['ConsolidateLots', 'a limit of 1', consolidateReq({ limit: 1 }), IDS.mallAClient, 'INPUT_INVALID: limit'],
  ['ConsolidateLots', 'a limit past 500', consolidateReq({ limit: 501 }), IDS.mallAClient, 'INPUT_INVALID: limit'],
  [
    'ConsolidateLots',
    'a day that does not exist',
    consolidateReq({ expiresOn: '2027-02-29' }),
    IDS.mallAClient,
    'INPUT_INVALID: expiresOn',
  ],
  [
    'ConsolidateLots',
    'a member that is no DID',
    consolidateReq({ member: 'x' }),
    IDS.mallAClient,
    'INPUT_INVALID: member',
  ],
  ['ConsolidateLots', 'an unknown identity', consolidateReq({}), IDS.unknown, 'AUTH_'],
  ['Adjust', 'more points than available', adjustReq({ amount: 100_000 }), IDS.mallAClient, 'POINTS_INSUFFICIENT'],
  ['Adjust', "another mall's program", adjustReq({}), IDS.mallBAdmin, 'AUTH_FORBIDDEN'],
  ['Adjust', 'an unknown program', adjustReq({ programId: 'NOPE' }), IDS.mallAClient, 'NOT_FOUND: program NOPE'],
  ['Adjust', 'a bad reason code', adjustReq({ reasonCode: 'a b' }), IDS.mallAClient, 'INPUT_INVALID: reasonCode'],
  ['Adjust', 'a negative amount', adjustReq({ amount: -5 }), IDS.mallAClient, 'INPUT_INVALID: amount'],
  [
    'Redeem',
    'a cross-mall redemption without consent',
    () => ({ merchant: 'b-food', ref: 'x', member: S.w.alice.did, programId: A, amount: 5 }),
    IDS.mallBClient,
    'POINTS_CONSENT_REQUIRED',
  ],
  [
    'Redeem',
    'an expired consent',
    () =>
      signedRedeem(
        S.w,
        S.w.alice,
        { merchant: 'b-food', ref: 'x', programId: A, amount: 5 },
        { deadline: deadline(S.w.ledger, -1000) },
      ),
    IDS.mallBClient,
    'POINTS_CONSENT_EXPIRED',
  ],
  [
    'Redeem',
    'a replayed nonce',
    () => signedRedeem(S.w, S.w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }, { nonce: 'used-1' }),
    IDS.mallBClient,
    'POINTS_NONCE_REPLAYED: nonce used-1',
  ],
  [
    'Redeem',
    'a consent for another amount',
    () => ({
      ...(signedRedeem(S.w, S.w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }) as object),
      amount: 50,
    }),
    IDS.mallBClient,
    'AUTH_SIGNATURE: signature by',
  ],
  [
    'Redeem',
    "another member's key",
    () => ({
      ...(signedRedeem(S.w, S.w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }) as object),
      consent: { kid: S.w.bob.kid, signature: 'AAAA' },
    }),
    IDS.mallBClient,
    'AUTH_SIGNATURE: did:mallchain:',
  ],
  [
    'Redeem',
    'a malformed signature',
    () => ({
      ...(signedRedeem(S.w, S.w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }) as object),
      consent: { kid: S.w.alice.kid, signature: 'not base64!' },
    }),
    IDS.mallBClient,
    'INPUT_INVALID: signature: must be base64url',
  ],
  [
    'Redeem',
    'a deadline that is not a time',
    () => ({
      ...(signedRedeem(S.w, S.w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }) as object),
      deadline: 'tomorrow',
    }),
    IDS.mallBClient,
    'INPUT_INVALID: deadline',
  ],
  [
    'Redeem',
    'an unknown member',
    () => ({
      ...(signedRedeem(S.w, S.w.alice, { merchant: 'b-food', ref: 'x', programId: A, amount: 5 }) as object),
      member: S.stranger,
    }),
    IDS.mallBClient,
    'NOT_FOUND: DID did:mallchain:nobody',
  ],
  [
    'Redeem',
    'a same-mall redemption for a deactivated member (no consent needed, but an active DID is)',
    () => ({ merchant: 'a-shoes', ref: 'x', member: S.dave.did, programId: A, amount: 1 }),
    IDS.mallAClient,
    'POINTS_MEMBER_INACTIVE',
  ],
  [
    'Redeem',
    'a same-mall redemption for a DID that is not on the ledger',
    () => ({ merchant: 'a-shoes', ref: 'x', member: S.stranger, programId: A, amount: 1 }),
    IDS.mallAClient,
    'NOT_FOUND: member DID did:mallchain:nobody',
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
    () => signedTransfer(S.w, S.w.bob, { to: S.w.bob.did, programId: B, amount: 5 }),
    IDS.mallBClient,
    'INPUT_INVALID: to: must differ',
  ],
  [
    'Transfer',
    'an unknown recipient',
    () => signedTransfer(S.w, S.w.bob, { to: S.stranger, programId: B, amount: 5 }),
    IDS.mallBClient,
    'NOT_FOUND: member DID did:mallchain:nobody',
  ],
  [
    'Transfer',
    'a deactivated recipient',
    () => signedTransfer(S.w, S.w.bob, { to: S.dave.did, programId: B, amount: 5 }),
    IDS.mallBClient,
    'POINTS_MEMBER_INACTIVE',
  ],
  [
    'Transfer',
    'more than is available',
    () => signedTransfer(S.w, S.w.bob, { to: S.w.carol.did, programId: B, amount: 100 }),
    IDS.mallBClient,
    'POINTS_INSUFFICIENT: 100 points requested, 99 available',
  ],
  [
    'Transfer',
    'a replayed nonce',
    () => signedTransfer(S.w, S.w.bob, { to: S.w.carol.did, programId: B, amount: 1 }, { nonce: 'used-2' }),
    IDS.mallBClient,
    'POINTS_NONCE_REPLAYED',
  ],
  [
    'Transfer',
    'an expired consent',
    () =>
      signedTransfer(
        S.w,
        S.w.bob,
        { to: S.w.carol.did, programId: B, amount: 1 },
        { deadline: deadline(S.w.ledger, -1) },
      ),
    IDS.mallBClient,
    'POINTS_CONSENT_EXPIRED',
  ],
  [
    'Transfer',
    'a consent valid for longer than the longest window (a standing authorisation)',
    () =>
      signedTransfer(
        S.w,
        S.w.bob,
        { to: S.w.carol.did, programId: B, amount: 1 },
        { deadline: deadline(S.w.ledger, 3_600_000 + 1) },
      ),
    IDS.mallBClient,
    'POINTS_CONSENT_EXPIRED: consent deadline',
  ],
  [
    'Transfer',
    'a changed recipient',
    () => ({
      ...(signedTransfer(S.w, S.w.bob, { to: S.w.carol.did, programId: B, amount: 1 }) as object),
      to: S.w.alice.did,
    }),
    IDS.mallBClient,
    'AUTH_SIGNATURE',
  ],
  [
    'Transfer',
    'a missing consent',
    () => ({
      programId: B,
      from: S.w.bob.did,
      to: S.w.carol.did,
      amount: 1,
      nonce: 'n',
      deadline: deadline(S.w.ledger),
    }),
    IDS.mallBClient,
    'INPUT_INVALID: consent: must be a JSON object',
  ],
  [
    'Transfer',
    'an unknown program',
    () => signedTransfer(S.w, S.w.bob, { to: S.w.carol.did, programId: 'NOPE', amount: 1 }),
    IDS.mallBClient,
    'NOT_FOUND: program NOPE',
  ],
  [
    'Transfer',
    'an identity without a role',
    () => signedTransfer(S.w, S.w.bob, { to: S.w.carol.did, programId: B, amount: 1 }),
    IDS.unknown,
    'AUTH_ROLE',
  ],
  [
    'Exchange',
    'a rate not yet approved',
    () => signedExchange(S.w, S.w.alice, { fromProgram: A, toProgram: B, amount: 10, receive: 5 }),
    IDS.mallAClient,
    'POINTS_RATE_NOT_APPROVED',
  ],
  [
    'Exchange',
    'an inexact receive',
    () => signedExchange(S.w, S.w.bob, { fromProgram: B, toProgram: A, amount: 10, receive: 21 }),
    IDS.mallBClient,
    'INPUT_INVALID: receive: at 2/1, 10 points give 20',
  ],
  [
    'Exchange',
    'more than is available',
    () => signedExchange(S.w, S.w.bob, { fromProgram: B, toProgram: A, amount: 100, receive: 200 }),
    IDS.mallBClient,
    'POINTS_INSUFFICIENT',
  ],
  [
    'Exchange',
    'a replayed nonce',
    () => signedExchange(S.w, S.w.bob, { fromProgram: B, toProgram: A, amount: 1, receive: 2 }, { nonce: 'used-2' }),
    IDS.mallBClient,
    'POINTS_NONCE_REPLAYED',
  ],
  [
    'Exchange',
    'the same program twice',
    () => signedExchange(S.w, S.w.bob, { fromProgram: B, toProgram: B, amount: 1, receive: 1 }),
    IDS.mallBClient,
    'INPUT_INVALID: toProgram',
  ],
  [
    'Exchange',
    'an identity without a role',
    () => signedExchange(S.w, S.w.bob, { fromProgram: B, toProgram: A, amount: 1, receive: 2 }),
    IDS.unknown,
    'AUTH_ROLE',
  ],
];

describe('points: refusals of redemption, transfer and exchange', () => {
  it.each(cases)('%s refuses %s', async (...c) => {
    await expectRefusal(c);
  });

  it('has cases for each of its transactions', () => {
    expect([...new Set(cases.map(([fn]) => fn))].sort()).toEqual([...SPEND_TXS].sort());
  });
});
