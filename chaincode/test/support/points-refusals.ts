/**
 * Shared world for the refusal tables: seeded once per spec file, since a refusal must
 * leave it exactly as it was (which every case checks).
 */
import { IDS, Identity } from './fake-stub';
import { TestMember, seedMember } from './points-dids';
import { A, AFTER_RETURN_WINDOW, B, PointsWorld, pointsWorld, signedRedeem, signedTransfer } from './points-fixture';

export interface Seeded {
  w: PointsWorld;
  /** A member whose DID is deactivated. */
  dave: TestMember;
  /** A DID that is not on the ledger. */
  stranger: string;
  /** A closed period with a cross-mall redemption, confirmed by Mall A. */
  periodId: string;
  /** A closed period without entries. */
  emptyPeriodId: string;
}

/** Filled by {@link seed}; cases read it lazily. */
export const S = {} as Seeded;

/** Alice 290 A-PTS available (10 redeemed at b-food, nonce used-1), Bob 99 B-PTS (nonce used-2). */
export async function seed(): Promise<void> {
  const w = await pointsWorld();
  S.w = w;
  S.dave = seedMember(w.ledger, 'ES256', true);
  S.stranger = 'did:mallchain:nobody';
  await w.call('Accrue', { programId: A, member: w.alice.did, amount: 300, sourceRef: 'r1' }, IDS.mallAClient);
  await w.call('Accrue', { programId: B, member: w.bob.did, amount: 100, sourceRef: 'b1' }, IDS.mallBClient);
  w.ledger.advance(AFTER_RETURN_WINDOW);
  const redeem = signedRedeem(
    w,
    w.alice,
    { merchant: 'b-food', ref: 'used', programId: A, amount: 10 },
    { nonce: 'used-1' },
  );
  await w.call('Redeem', redeem, IDS.mallBClient);
  const transfer = signedTransfer(w, w.bob, { to: w.carol.did, programId: B, amount: 1 }, { nonce: 'used-2' });
  await w.call('Transfer', transfer, IDS.mallBClient);
  await w.call('UpdateMerchant', { merchantId: 'b-park', status: 'suspended' }, IDS.mallBAdmin);
  await w.call('ProposeRate', { fromProgram: A, toProgram: B, numerator: 1, denominator: 2 }, IDS.mallAAdmin);
  await w.call('ProposeRate', { fromProgram: B, toProgram: A, numerator: 2, denominator: 1 }, IDS.mallBAdmin);
  await w.call(
    'ApproveRate',
    { fromProgram: B, toProgram: A, numerator: 2, denominator: 1, unitValueFen: 5 },
    IDS.mallAAdmin,
  );
  w.ledger.advance(2 * 3_600_000);
  // Periods are contiguous and close at least the settlement lag (30 minutes) after they end.
  const to = new Date(w.ledger.now - 90 * 60_000).toISOString();
  const closed = await w.call<{ periodId: string }>('ClosePeriod', { from: '2026-03-01T00:00:00Z', to });
  S.periodId = closed.result.periodId;
  await w.call('ConfirmStatement', { periodId: S.periodId });
  const emptyPeriod = { from: to, to: new Date(w.ledger.now - 60 * 60_000).toISOString() };
  const empty = await w.call<{ periodId: string }>('ClosePeriod', emptyPeriod, IDS.mallBAdmin);
  S.emptyPeriodId = empty.result.periodId;
}

/** A request, or a function that builds it once the world is seeded. */
export type Req = unknown;
export type Case = [fn: string, label: string, request: Req, who: Identity, expected: string];

/** Runs one case: the call must fail with `expected` and leave state and events untouched. */
export async function expectRefusal([fn, , request, who, expected]: Case): Promise<void> {
  const before = S.w.ledger.dump();
  const events = S.w.ledger.events.length;
  const req = typeof request === 'function' ? (request as () => unknown)() : request;
  await expect(S.w.call(fn, req, who)).rejects.toThrow(expected);
  expect(S.w.ledger.dump()).toEqual(before);
  expect(S.w.ledger.events.length).toBe(events);
}

/** Transactions covered by refusals-earn.spec.ts. */
export const EARN_TXS = ['Accrue', 'AccrueBatch', 'Reverse', 'Expire'];
/** Transactions covered by refusals-spend.spec.ts (Adjust by adjustment.spec.ts); the rest are in refusals-admin.spec.ts. */
export const SPEND_TXS = ['Redeem', 'Transfer', 'Exchange', 'Adjust', 'ConsolidateLots'];
