/**
 * Consolidation of a member's dust lots: a member past the live-lot bound (MAX_RANGE_ROWS, for
 * instance after many tiny transfers sent on purpose) gets LIMIT_EXCEEDED on balance and
 * spending. The issuer merges up to `limit` of the member's **available** lots of one program
 * whose expiry falls on one UTC day into one lot that expires with the earliest of them, so no
 * point gains validity and none changes state. Each call reads a bounded window of the member's
 * live lots and lowers the live count by (merged − 1); call again while `more` is true.
 */
import { txTimeIso, txTimeMs } from '../common/clock';
import { requireMemberOf } from '../common/identity';
import { MAX_RANGE_ROWS, MallContext, firstByPrefix, key, put, remove } from '../common/state';
import { inputError } from '../common/errors';
import { Fields, optInt, optStr } from '../common/validate';
import { lotState } from './lots';
import { ConsolidationRecord, K, Lot, expiryIndexKey } from './model';
import { MAX_BATCH, memberOf, programIdOf } from './request';
import { getProgram, putLot } from './store';

export interface ConsolidationRequest {
  programId: string;
  member: string;
  /** UTC day `YYYY-MM-DD` of the lots' expiry; absent = the day with the most mergeable lots. */
  expiresOn?: string;
  limit: number;
}

const DAY_RULE = { pattern: /^\d{4}-\d{2}-\d{2}$/, patternHint: 'must be a UTC day YYYY-MM-DD' };

/** `{ programId, member, expiresOn?, limit? 2..500 }`. */
export function consolidationOf(f: Fields): ConsolidationRequest {
  const expiresOn = optStr(f, 'expiresOn', DAY_RULE);
  if (expiresOn !== undefined) {
    const ms = Date.parse(`${expiresOn}T00:00:00Z`);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== expiresOn) {
      throw inputError('expiresOn', 'is not a calendar day');
    }
  }
  return {
    programId: programIdOf(f),
    member: memberOf(f),
    expiresOn,
    limit: optInt(f, 'limit', { min: 2, max: MAX_BATCH }) ?? MAX_BATCH,
  };
}

/** The UTC day a lot expires on. */
export const expiryDay = (lot: Lot): string => lot.expiresAt.slice(0, 10);

export interface ConsolidationPlan {
  day: string | undefined;
  /** The lots to merge, soonest expiry first (ties by lot ID); fewer than 2 = nothing to do. */
  sources: Lot[];
  /** Mergeable lots of that day left over after this batch. */
  leftOver: number;
}

/**
 * Which lots one consolidation merges: available lots only (a pending lot merged with an
 * available one would gain or lose availability), of `day` or else of the day with the most
 * of them (ties: the earliest day), at most `limit`. Deterministic, so every endorser agrees.
 */
export function planConsolidation(lots: Lot[], nowMs: number, limit: number, day?: string): ConsolidationPlan {
  const byDay = mergeableByDay(lots, nowMs);
  const chosen = day ?? fullestDay(byDay);
  const candidates = [...(byDay.get(chosen ?? '') ?? [])].sort(soonestFirst);
  const sources = candidates.slice(0, limit);
  return { day: chosen, sources: sources.length >= 2 ? sources : [], leftOver: candidates.length - sources.length };
}

/** The available lots with points left, by the UTC day they expire on. */
function mergeableByDay(lots: Lot[], nowMs: number): Map<string, Lot[]> {
  const byDay = new Map<string, Lot[]>();
  for (const lot of lots) {
    if (lotState(lot, nowMs) !== 'available') continue;
    const list = byDay.get(expiryDay(lot)) ?? [];
    list.push(lot);
    byDay.set(expiryDay(lot), list);
  }
  return byDay;
}

/** The day with the most lots; ties go to the earliest day. */
function fullestDay(byDay: Map<string, Lot[]>): string | undefined {
  let best: string | undefined;
  for (const d of [...byDay.keys()].sort()) {
    if (best === undefined || (byDay.get(d)?.length ?? 0) > (byDay.get(best)?.length ?? 0)) best = d;
  }
  return best;
}

/** Soonest expiry first, ties by lot ID (every endorser picks the same lots). */
function soonestFirst(a: Lot, b: Lot): number {
  if (a.expiresAt !== b.expiresAt) return a.expiresAt < b.expiresAt ? -1 : 1;
  if (a.lotId === b.lotId) return 0;
  return a.lotId < b.lotId ? -1 : 1;
}

/** The one lot the sources become: their points, the earliest expiry, the latest availability. */
export function mergedLot(sources: Lot[], lotId: string, txId: string): Lot {
  const first = sources[0];
  if (!first) throw new Error('mergedLot needs at least one source lot');
  const points = sources.reduce((s, l) => s + l.remaining, 0);
  const min = (pick: (l: Lot) => string): string => sources.map(pick).reduce((a, b) => (b < a ? b : a));
  const max = (pick: (l: Lot) => string): string => sources.map(pick).reduce((a, b) => (b > a ? b : a));
  return {
    lotId,
    member: first.member,
    programId: first.programId,
    origin: 'consolidation',
    sourceRef: txId,
    amount: points,
    remaining: points,
    redeemed: 0,
    reversed: 0,
    expired: 0,
    movedOut: 0,
    earnedAt: min((l) => l.earnedAt),
    availableAt: max((l) => l.availableAt),
    expiresAt: min((l) => l.expiresAt),
  };
}

export interface ConsolidationResult {
  programId: string;
  member: string;
  /** The expiry day merged (null when the member has no available lots in the window). */
  expiresOn: string | null;
  /** Source lots merged (0 = nothing to merge; nothing was written). */
  merged: number;
  points: number;
  lotId: string | null;
  /** True when more lots may be mergeable: call again. */
  more: boolean;
}

/** Merges a batch of the member's lots of one expiry day; only the issuing mall (admin or client) may. */
export async function consolidate(ctx: MallContext, r: ConsolidationRequest): Promise<ConsolidationResult> {
  const program = await getProgram(ctx, r.programId);
  requireMemberOf(ctx, program.issuer);
  // A bounded window of the live range (never LIMIT_EXCEEDED: this is the way out of it).
  const rows = await firstByPrefix<Lot>(ctx, K.lot, [r.member, r.programId], MAX_RANGE_ROWS);
  const windowFull = rows.length === MAX_RANGE_ROWS;
  const plan = planConsolidation(
    rows.map((row) => row.value),
    txTimeMs(ctx),
    r.limit,
    r.expiresOn,
  );
  const base = { programId: r.programId, member: r.member, expiresOn: plan.day ?? null };
  if (plan.sources.length === 0) {
    return { ...base, merged: 0, points: 0, lotId: null, more: windowFull };
  }
  const txId = ctx.stub.getTxID();
  const merged = mergedLot(plan.sources, `${txId}.0`, txId);
  for (const lot of plan.sources) {
    await remove(ctx, 'lotExpiry', expiryIndexKey(ctx, lot));
    await putLot(ctx, { ...lot, remaining: 0, movedOut: lot.movedOut + lot.remaining }, false);
  }
  await putLot(ctx, merged, true);
  const record: ConsolidationRecord = {
    programId: r.programId,
    member: r.member,
    lotId: merged.lotId,
    points: merged.amount,
    expiresAt: merged.expiresAt,
    sources: plan.sources.map((l) => ({ lotId: l.lotId, points: l.remaining })),
    txId,
    at: txTimeIso(ctx),
  };
  await put(ctx, 'consolidation', key(ctx, K.consolidation, r.member, txId), record);
  return {
    ...base,
    merged: plan.sources.length,
    points: merged.amount,
    lotId: merged.lotId,
    more: windowFull || plan.leftOver > 0,
  };
}
