/**
 * A small consortium for points tests: Mall A issues A-PTS (5 fen a point, 12 months,
 * 7-day return window), Mall B issues B-PTS (10 fen, 6 months, no return window), each
 * with merchants, and three members with real keys.
 */
import { PointsContract } from '../../src/points/points.contract';
import { DAY_MS } from '../../src/common/clock';
import { IDS, Identity, Ledger, TxResult } from './fake-stub';
import { TestMember, seedMember } from './points-dids';

export const A = 'A-PTS';
export const B = 'B-PTS';

export interface PointsWorld {
  ledger: Ledger;
  contract: PointsContract;
  alice: TestMember;
  bob: TestMember;
  carol: TestMember;
  /** Calls a points transaction with a JSON request. */
  call<T = unknown>(fn: string, request: unknown, who?: Identity): Promise<TxResult<T>>;
}

export async function pointsWorld(): Promise<PointsWorld> {
  const ledger = new Ledger();
  const contract = new PointsContract();
  const call = <T>(fn: string, request: unknown, who: Identity = IDS.mallAAdmin): Promise<TxResult<T>> =>
    ledger.invoke<T>(contract, fn, [typeof request === 'string' ? request : JSON.stringify(request)], who);
  const world: PointsWorld = {
    ledger,
    contract,
    alice: seedMember(ledger, 'ES256'),
    bob: seedMember(ledger, 'EdDSA'),
    carol: seedMember(ledger, 'ES256'),
    call,
  };
  await call('RegisterProgram', {
    programId: A,
    name: 'Mall A Points',
    unitValueFen: 5,
    expiryMonths: 12,
    returnWindowDays: 7,
  });
  await call(
    'RegisterProgram',
    { programId: B, name: 'Mall B Points', unitValueFen: 10, expiryMonths: 6, returnWindowDays: 0 },
    IDS.mallBAdmin,
  );
  await call('RegisterMerchant', { merchantId: 'a-shoes', name: 'Shoe Store', category: 'retail', programId: A });
  await call(
    'RegisterMerchant',
    { merchantId: 'b-food', name: 'Noodle Bar', category: 'food', programId: B },
    IDS.mallBAdmin,
  );
  await call(
    'RegisterMerchant',
    { merchantId: 'b-park', name: 'Car Park', category: 'parking', programId: B },
    IDS.mallBAdmin,
  );
  return world;
}

/** Past Mall A's 7-day return window. */
export const AFTER_RETURN_WINDOW = 8 * DAY_MS;

let nonceCounter = 0;
export function nextNonce(): string {
  nonceCounter += 1;
  return `n${nonceCounter}`;
}

/** A deadline `ms` after the ledger's clock, as the ISO string members sign. */
export function deadline(ledger: Ledger, ms = 60_000): string {
  return new Date(ledger.now + ms).toISOString();
}

/** A redemption request with the member's signed consent. */
export function signedRedeem(
  w: PointsWorld,
  member: TestMember,
  r: { merchant: string; ref: string; programId: string; amount: number },
  opts: { nonce?: string; deadline?: string } = {},
): Record<string, unknown> {
  const nonce = opts.nonce ?? nextNonce();
  const dl = opts.deadline ?? deadline(w.ledger);
  const payload = {
    action: 'points.redeem',
    amount: r.amount,
    channel: w.ledger.channelId,
    deadline: dl,
    member: member.did,
    merchant: r.merchant,
    nonce,
    programId: r.programId,
  };
  return {
    ...r,
    member: member.did,
    nonce,
    deadline: dl,
    consent: { kid: member.kid, signature: member.sign(payload) },
  };
}

export function signedTransfer(
  w: PointsWorld,
  from: TestMember,
  r: { to: string; programId: string; amount: number },
  opts: { nonce?: string; deadline?: string } = {},
): Record<string, unknown> {
  const nonce = opts.nonce ?? nextNonce();
  const dl = opts.deadline ?? deadline(w.ledger);
  const payload = {
    action: 'points.transfer',
    amount: r.amount,
    channel: w.ledger.channelId,
    deadline: dl,
    from: from.did,
    nonce,
    programId: r.programId,
    to: r.to,
  };
  return { ...r, from: from.did, nonce, deadline: dl, consent: { kid: from.kid, signature: from.sign(payload) } };
}

export function signedExchange(
  w: PointsWorld,
  member: TestMember,
  r: { fromProgram: string; toProgram: string; amount: number; receive: number },
  opts: { nonce?: string; deadline?: string } = {},
): Record<string, unknown> {
  const nonce = opts.nonce ?? nextNonce();
  const dl = opts.deadline ?? deadline(w.ledger);
  const payload = {
    action: 'points.exchange',
    ...r,
    channel: w.ledger.channelId,
    deadline: dl,
    member: member.did,
    nonce,
  };
  return {
    ...r,
    member: member.did,
    nonce,
    deadline: dl,
    consent: { kid: member.kid, signature: member.sign(payload) },
  };
}
