/**
 * A small consortium for points tests: Mall A issues A-PTS (5 fen a point, 12 months,
 * 7-day return window), Mall B issues B-PTS (10 fen, 6 months, no return window), each
 * with merchants, and three members with real keys.
 */
import { PointsContract } from '../../src/points/points.contract';
import { DAY_MS } from '../../src/common/clock';
import { CHAINCODE_NAME } from '../../src/dids/did.operation';
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

/** `closeChunk` lowers the entries one ClosePeriod transaction reads (chunked closes). */
export async function pointsWorld(options: { closeChunk?: number } = {}): Promise<PointsWorld> {
  const ledger = new Ledger();
  const contract = new PointsContract(options);
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

/** `chaincode` defaults to the deployed name the chaincode checks (tests sign for another one; null leaves it out). */
type ConsentOptions = { nonce?: string; deadline?: string; chaincode?: string | null };

/**
 * `request` plus the consent fields: `signer` signs JCS of `signed` with the action, channel,
 * chaincode, deadline and nonce added, the object the chaincode rebuilds from the request.
 */
function withConsent(
  w: PointsWorld,
  signer: TestMember,
  action: string,
  signed: Record<string, unknown>,
  request: Record<string, unknown>,
  opts: ConsentOptions,
): Record<string, unknown> {
  const nonce = opts.nonce ?? nextNonce();
  const dl = opts.deadline ?? deadline(w.ledger);
  const chaincode = opts.chaincode === undefined ? { chaincode: CHAINCODE_NAME } : {};
  if (opts.chaincode) chaincode.chaincode = opts.chaincode;
  const payload = { ...signed, action, channel: w.ledger.channelId, ...chaincode, deadline: dl, nonce };
  return { ...request, nonce, deadline: dl, consent: { kid: signer.kid, signature: signer.sign(payload) } };
}

/** A redemption request with the member's signed consent (the merchant's `ref` is not signed). */
export function signedRedeem(
  w: PointsWorld,
  member: TestMember,
  r: { merchant: string; ref: string; programId: string; amount: number },
  opts: ConsentOptions = {},
): Record<string, unknown> {
  const signed = { amount: r.amount, member: member.did, merchant: r.merchant, programId: r.programId };
  return withConsent(w, member, 'points.redeem', signed, { ...r, member: member.did }, opts);
}

/** A transfer request signed by the sender. */
export function signedTransfer(
  w: PointsWorld,
  from: TestMember,
  r: { to: string; programId: string; amount: number },
  opts: ConsentOptions = {},
): Record<string, unknown> {
  const request = { ...r, from: from.did };
  return withConsent(w, from, 'points.transfer', request, request, opts);
}

/** An exchange request signed by the member. */
export function signedExchange(
  w: PointsWorld,
  member: TestMember,
  r: { fromProgram: string; toProgram: string; amount: number; receive: number },
  opts: ConsentOptions = {},
): Record<string, unknown> {
  const request = { ...r, member: member.did };
  return withConsent(w, member, 'points.exchange', request, request, opts);
}
