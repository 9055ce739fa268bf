/**
 * Expiry sweep: the issuer expires lots past their date, in batches, walking the program's
 * expiry index (keys sort by expiry time, so the walk stops at the first lot still valid).
 * The swept points are breakage: the issuer's liability ends and no other mall is owed.
 */
import { txTimeIso, txTimeMs } from '../common/clock';
import { requireMemberOf } from '../common/identity';
import { MallContext, getJson, key, put, remove } from '../common/state';
import { Fields, int } from '../common/validate';
import { addHistory } from './history';
import { BreakageRecord, K, Lot, LotTake, lotKey, unitValueAt } from './model';
import { MAX_BATCH, programIdOf } from './request';
import { getProgram, putLot } from './store';

/** An Expire request; `limit` defaults to the largest batch. */
export function expireOf(f: Fields): { programId: string; limit: number } {
  return {
    programId: programIdOf(f),
    limit: f.limit === undefined ? MAX_BATCH : int(f, 'limit', { min: 1, max: MAX_BATCH }),
  };
}

interface IndexEntry {
  stateKey: string;
  expiresAt: string;
  member: string;
  lotId: string;
}

async function dueEntries(ctx: MallContext, programId: string, nowIso: string, limit: number): Promise<IndexEntry[]> {
  const out: IndexEntry[] = [];
  const iterator = await ctx.stub.getStateByPartialCompositeKey(K.expiryIndex, [programId]);
  try {
    for (let res = await iterator.next(); !res.done && out.length < limit; res = await iterator.next()) {
      const [, expiresAt = '', member = '', lotId = ''] = ctx.stub.splitCompositeKey(res.value.key).attributes;
      if (expiresAt > nowIso) break;
      out.push({ stateKey: res.value.key, expiresAt, member, lotId });
    }
  } finally {
    await iterator.close();
  }
  return out;
}

export interface ExpireResult {
  programId: string;
  lotsSwept: number;
  points: number;
  valueFen: number;
  /** True when the batch was full: call again for more. */
  more: boolean;
}

/** Expires up to `limit` due lots of a program; only the issuing mall may. */
export async function expire(ctx: MallContext, programId: string, limit: number): Promise<ExpireResult> {
  const program = await getProgram(ctx, programId);
  requireMemberOf(ctx, program.issuer);
  const at = txTimeIso(ctx);
  const txId = ctx.stub.getTxID();
  const due = await dueEntries(ctx, programId, at, limit);
  const swept: LotTake[] = [];
  for (const [i, entry] of due.entries()) {
    await remove(ctx, 'lotExpiry', entry.stateKey);
    const lot = await getJson<Lot>(ctx, lotKey(ctx, entry.member, programId, entry.lotId)); // compacted = nothing left
    if (!lot || lot.remaining === 0) continue;
    await putLot(ctx, { ...lot, remaining: 0, expired: lot.expired + lot.remaining }, false);
    await addHistory(
      ctx,
      { member: lot.member, type: 'expire', programId, points: -lot.remaining, ref: lot.lotId, txId, at },
      i,
    );
    swept.push({ lotId: lot.lotId, points: lot.remaining });
  }
  const points = swept.reduce((s, t) => s + t.points, 0);
  const valueFen = points * unitValueAt(program, txTimeMs(ctx));
  if (swept.length > 0) {
    const record: BreakageRecord = { programId, issuer: program.issuer, points, valueFen, lots: swept, txId, at };
    await put(ctx, 'breakage', key(ctx, K.breakage, programId, at, txId), record);
  }
  return { programId, lotsSwept: swept.length, points, valueFen, more: due.length === limit };
}
