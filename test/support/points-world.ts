/**
 * The cast of the points end-to-end suites: Mall A's program and food court, Mall B's program
 * and car park, one member known only by a DID. Every ID is unique per run because the ledger
 * persists between runs.
 */
import { ChainUser, Malls } from './chain-call';
import { ChainKey, newKey, uniqueSuffix } from './chain-keys';
import { RedeemTerms, createDid } from './chain-requests';
import { AccrualResult, Balance } from './points-types';

/** Liability per Mall A point, in fen. */
export const UNIT_FEN = 10;

export interface PointsWorld {
  readonly suffix: string;
  readonly programA: string;
  readonly programB: string;
  readonly merchantA: string;
  readonly merchantB: string;
  readonly member: ChainKey;
}

/** Fresh IDs and a fresh member key. */
export function newWorld(): PointsWorld {
  const s = uniqueSuffix();
  return {
    suffix: s,
    programA: `pa-${s}`,
    programB: `pb-${s}`,
    merchantA: `ma-food-${s}`,
    merchantB: `mb-park-${s}`,
    member: newKey('ES256'),
  };
}

/** Registration requests: Mall A's program (available at once) and Mall B's (7-day return window). */
export function programRequests(w: PointsWorld): { a: Record<string, unknown>; b: Record<string, unknown> } {
  return {
    a: { programId: w.programA, name: 'Mall A Rewards', unitValueFen: UNIT_FEN, expiryMonths: 12, returnWindowDays: 0 },
    b: { programId: w.programB, name: 'Mall B Club', unitValueFen: 5, expiryMonths: 24, returnWindowDays: 7 },
  };
}

/** Registration requests: Mall A's food court on program A, Mall B's car park on program B. */
export function merchantRequests(w: PointsWorld): { a: Record<string, unknown>; b: Record<string, unknown> } {
  return {
    a: { merchantId: w.merchantA, name: 'Food court', category: 'food', programId: w.programA },
    b: { merchantId: w.merchantB, name: 'Car park P2', category: 'parking', programId: w.programB },
  };
}

/** The member's balance in `programId` (program A by default) as `user`'s peer sees it. */
export async function balanceOn(user: ChainUser, w: PointsWorld, programId = w.programA): Promise<Balance> {
  const { balances } = await user.query<{ balances: Balance[] }>('points:GetBalance', {
    member: w.member.did,
    programId,
  });
  return balances[0] ?? { programId, available: 0, pending: 0 };
}

/** Redemption terms for 200 points of program A at Mall B's car park, open for five minutes. */
export function redeemTerms(w: PointsWorld, over: Partial<RedeemTerms> = {}): RedeemTerms {
  return {
    merchant: w.merchantB,
    ref: `park-${uniqueSuffix()}`,
    member: w.member.did,
    programId: w.programA,
    amount: 200,
    nonce: `n-${uniqueSuffix()}`,
    deadline: new Date(Date.now() + 5 * 60_000).toISOString(),
    ...over,
  };
}

/** Single accrual of 100 points (receipt 0). */
export function firstAccrual(w: PointsWorld): Record<string, unknown> {
  return {
    programId: w.programA,
    member: w.member.did,
    amount: 100,
    sourceRef: `rcpt-${w.suffix}-0`,
    merchant: w.merchantA,
  };
}

/** 49 accruals of 10 points (receipts 1…49): with the first, 590 points in 50 lots. */
export function batchItems(w: PointsWorld): { member: string; amount: number; sourceRef: string }[] {
  return Array.from({ length: 49 }, (_, i) => ({
    member: w.member.did,
    amount: 10,
    sourceRef: `rcpt-${w.suffix}-${i + 1}`,
  }));
}

/**
 * Everything the redemption and settlement suite starts from: both programs and merchants
 * registered, the member's DID, and 590 available points of program A in 50 lots.
 */
export async function setUpMemberWithPoints(m: Malls, w: PointsWorld): Promise<void> {
  const programs = programRequests(w);
  const merchants = merchantRequests(w);
  await m.aAdmin.submit('points:RegisterProgram', programs.a);
  await m.bAdmin.submit('points:RegisterProgram', programs.b);
  await m.aAdmin.submit('points:RegisterMerchant', merchants.a);
  await m.bAdmin.submit('points:RegisterMerchant', merchants.b);
  await m.aClient.submit('dids:CreateDid', createDid(m.d.channel, w.member));
  await m.aClient.submit<AccrualResult>('points:Accrue', firstAccrual(w));
  await m.aClient.submit('points:AccrueBatch', { programId: w.programA, items: batchItems(w) });
}
