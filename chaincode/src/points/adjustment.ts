/**
 * A manual debit correction by the issuing mall (a points credit given in error, a fraud case): the points
 * are taken from the member's available lots as `reversed`, with the mall's reason code, so the correction
 * is on the ledger and in the member's history instead of hidden in one mall's database. A credit correction
 * is an ordinary accrual (its sourceRef names the reason); only debits need this transaction.
 * Idempotent on (programId, ref).
 */
import { txTimeIso, txTimeMs } from '../common/clock';
import { requireMemberOf } from '../common/identity';
import { MallContext, getJson, key, put } from '../common/state';
import { Fields, StringRule, str } from '../common/validate';
import { addHistory } from './history';
import { memberLots, spend } from './lots';
import { AdjustmentRecord, K } from './model';
import { REF_RULE, amountOf, memberOf, programIdOf } from './request';
import { getProgram, putLot } from './store';

/** A reason code of the mall's own catalogue (`WRONG_RECEIPT`, `FRAUD`, …). */
export const REASON_RULE: StringRule = {
  max: 32,
  pattern: /^[A-Za-z0-9_.-]+$/,
  patternHint: 'may contain only letters, digits and _ . -',
};

export interface AdjustmentRequest {
  programId: string;
  member: string;
  amount: number;
  reasonCode: string;
  ref: string;
}

/** An Adjust request: `{ programId, member, amount (points to take), reasonCode, ref }`. */
export function adjustmentOf(f: Fields): AdjustmentRequest {
  return {
    programId: programIdOf(f),
    member: memberOf(f),
    amount: amountOf(f),
    reasonCode: str(f, 'reasonCode', REASON_RULE),
    ref: str(f, 'ref', REF_RULE),
  };
}

export const adjustmentKey = (ctx: MallContext, programId: string, ref: string): string =>
  key(ctx, K.adjustment, programId, ref);

/** Submitted by the issuer of the program; throws POINTS_INSUFFICIENT when fewer points are available. */
export async function adjust(
  ctx: MallContext,
  r: AdjustmentRequest,
): Promise<AdjustmentRecord & { status: 'accepted' | 'duplicate' }> {
  const program = await getProgram(ctx, r.programId);
  requireMemberOf(ctx, program.issuer);
  const aKey = adjustmentKey(ctx, r.programId, r.ref);
  const earlier = await getJson<AdjustmentRecord>(ctx, aKey);
  if (earlier) return { ...earlier, status: 'duplicate' };
  const { changed, takes } = spend(await memberLots(ctx, r.member, r.programId), r.amount, txTimeMs(ctx), 'reversed');
  const txId = ctx.stub.getTxID();
  const at = txTimeIso(ctx);
  for (const lot of changed) await putLot(ctx, lot, false);
  const record: AdjustmentRecord = { ...r, takes, txId, at };
  await put(ctx, 'adjustment', aKey, record);
  await addHistory(
    ctx,
    { member: r.member, type: 'adjust', programId: r.programId, points: -r.amount, ref: r.ref, txId, at },
    0,
  );
  return { ...record, status: 'accepted' };
}
