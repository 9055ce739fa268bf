/**
 * Redemption at a merchant. Points of a program issued by another mall need the member's
 * signed consent, and book a clearing entry: the issuer owes the merchant's mall the value.
 */
import { txTimeIso, txTimeMs } from '../common/clock';
import { requireMemberOf } from '../common/identity';
import { MallContext, getJson, put } from '../common/state';
import { Fields, ID_RULE, str } from '../common/validate';
import { redeemConsentPayload as signedRedeem } from '../wire/signed-payloads';
import { bookClearing } from './clearing';
import { ConsentFields, acceptConsent, consentOf } from './consent';
import { addHistory } from './history';
import { memberLots, spend } from './lots';
import { RedemptionRecord, pointsError, redemptionKey, clearingUnitValueAt } from './model';
import { REF_RULE, amountOf, memberOf, programIdOf, requireActiveMember } from './request';
import { getMerchant, getProgram, putLot } from './store';

export interface RedeemRequest {
  merchant: string;
  ref: string;
  member: string;
  programId: string;
  amount: number;
  consent?: ConsentFields;
}

/** A Redeem request; consent fields are parsed only when `consent` is present. */
export function redeemOf(f: Fields): RedeemRequest {
  return {
    merchant: str(f, 'merchant', ID_RULE),
    ref: str(f, 'ref', REF_RULE),
    member: memberOf(f),
    programId: programIdOf(f),
    amount: amountOf(f),
    consent: f.consent === undefined ? undefined : consentOf(f),
  };
}

/** The exact bytes a member signs (as JCS) to consent to a redemption. */
export function redeemConsentPayload(ctx: MallContext, r: RedeemRequest, c: ConsentFields): object {
  const { amount, member, merchant, programId } = r;
  return signedRedeem(
    { channel: ctx.stub.getChannelID() },
    { amount, member, merchant, programId, nonce: c.nonce, deadline: c.deadline },
  );
}

export type RedeemResult = RedemptionRecord & { status: 'accepted' | 'duplicate' };

/** Submitted by the merchant's mall; idempotent on (merchant, ref). */
export async function redeem(ctx: MallContext, r: RedeemRequest): Promise<RedeemResult> {
  const merchant = await getMerchant(ctx, r.merchant);
  requireMemberOf(ctx, merchant.mall);
  const rKey = redemptionKey(ctx, r.merchant, r.ref);
  const earlier = await getJson<RedemptionRecord>(ctx, rKey);
  if (earlier) return { ...earlier, status: 'duplicate' };
  if (merchant.status !== 'active') throw pointsError('POINTS_MERCHANT_SUSPENDED', `${r.merchant} is suspended`);
  const program = await getProgram(ctx, r.programId);
  const crossMall = program.issuer !== merchant.mall;
  if (crossMall && !r.consent) {
    throw pointsError(
      'POINTS_CONSENT_REQUIRED',
      `${r.programId} is issued by ${program.issuer}: the member's consent is required`,
    );
  }
  // A consent is verified against the member's active DID; without one the DID must be active too.
  if (r.consent) await acceptConsent(ctx, r.member, redeemConsentPayload(ctx, r, r.consent), r.consent);
  else await requireActiveMember(ctx, r.member);
  const { changed, takes } = spend(await memberLots(ctx, r.member, r.programId), r.amount, txTimeMs(ctx), 'redeemed');
  const txId = ctx.stub.getTxID();
  const at = txTimeIso(ctx);
  const valueFen = r.amount * clearingUnitValueAt(program, txTimeMs(ctx));
  const clearingKey = await bookClearing(
    ctx,
    {
      kind: 'redemption',
      debtor: program.issuer,
      creditor: merchant.mall,
      amountFen: valueFen,
      points: r.amount,
      programId: r.programId,
      ref: `${r.merchant}/${r.ref}`,
      txId,
      at,
    },
    0,
  );
  for (const lot of changed) await putLot(ctx, lot, false);
  const record: RedemptionRecord = {
    merchant: r.merchant,
    ref: r.ref,
    mall: merchant.mall,
    programId: r.programId,
    issuer: program.issuer,
    member: r.member,
    amount: r.amount,
    valueFen,
    takes,
    clearingKey,
    txId,
    at,
  };
  await put(ctx, 'redemption', rKey, record);
  await addHistory(
    ctx,
    {
      member: r.member,
      type: 'redeem',
      programId: r.programId,
      points: -r.amount,
      ref: `${r.merchant}/${r.ref}`,
      txId,
      at,
    },
    0,
  );
  return { ...record, status: 'accepted' };
}
