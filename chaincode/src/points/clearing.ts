/**
 * Clearing entries: what one mall owes another for points it issued and the other honoured.
 * They live under plain keys that sort by time (`points~clr~<ISO time>~<txId>~<seq>`), so a
 * settlement period is one range query and the peer re-checks that range at validation
 * (a late entry inside a period being closed makes the close fail rather than be missed).
 */
import { MallContext, getJson, listByPrefix, listByRange, putPlain } from '../common/state';
import { ClearingEntry, K, pointsError } from './model';

const PREFIX = 'points~clr~';
/** Most entries one ClosePeriod (or GetClearing) reads: below the peer's totalQueryLimit (100,000). */
export const MAX_PERIOD_ENTRIES = 50_000;

/**
 * Plain key of the latest closed bound: the `to` of the last closed period. ClosePeriod
 * writes it and every booking reads it, so a booking endorsed before a close and committed
 * after it fails MVCC validation (its read of this key is stale) instead of landing in a
 * period that is already settled.
 */
export const CLOSED_BOUND_KEY = 'points~closed';

export interface ClosedBound {
  to: string;
  periodId: string;
}

/** The latest closed bound, if any period was closed (read into the transaction's read set). */
export async function closedBound(ctx: MallContext): Promise<ClosedBound | undefined> {
  return getJson<ClosedBound>(ctx, CLOSED_BOUND_KEY);
}

/** Most statements read to find the newest one on a ledger closed before `points~closed` existed. */
export const MAX_LEGACY_STATEMENTS = 10_000;

/**
 * The bound the next period starts from: the `points~closed` key, or, on a ledger whose
 * periods were closed before that key existed, the newest existing statement (a bounded read
 * of all statements; LIMIT_EXCEEDED past {@link MAX_LEGACY_STATEMENTS}, never a guess).
 * Without this, the first close after an upgrade could start before the last settled period
 * and settle its entries twice. Once a close writes `points~closed`, this is one key read.
 */
export async function effectiveClosedBound(ctx: MallContext): Promise<ClosedBound | undefined> {
  const bound = await closedBound(ctx);
  if (bound) return bound;
  const rows = await listByPrefix<ClosedBound>(ctx, K.statement, [], 'statements', MAX_LEGACY_STATEMENTS);
  let newest: ClosedBound | undefined;
  for (const { value } of rows) {
    if (!newest || value.to > newest.to) newest = { to: value.to, periodId: value.periodId };
  }
  return newest;
}

/** Plain key of a clearing entry; `seq` keeps several entries of one transaction apart. */
export function clearingKey(at: string, txId: string, seq: number): string {
  return `${PREFIX}${at}~${txId}~${String(seq).padStart(4, '0')}`;
}

/** Books an entry when two different malls are involved; returns its key, or undefined. */
export async function bookClearing(ctx: MallContext, entry: ClearingEntry, seq: number): Promise<string | undefined> {
  if (entry.debtor === entry.creditor || entry.amountFen === 0) return undefined;
  const bound = await effectiveClosedBound(ctx);
  if (bound && entry.at < bound.to) {
    throw pointsError(
      'POINTS_PERIOD_CLOSED',
      `a clearing entry at ${entry.at} would fall in the closed period ending ${bound.to} (${bound.periodId})`,
    );
  }
  const stateKey = clearingKey(entry.at, entry.txId, seq);
  await putPlain(ctx, 'clearing', stateKey, entry);
  return stateKey;
}

/** Entries booked at times in [fromIso, toIso), in time order; LIMIT_EXCEEDED past {@link MAX_PERIOD_ENTRIES}. */
export async function clearingBetween(ctx: MallContext, fromIso: string, toIso: string): Promise<ClearingEntry[]> {
  return listByRange<ClearingEntry>(ctx, PREFIX + fromIso, PREFIX + toIso, MAX_PERIOD_ENTRIES, 'clearing entries');
}

export interface ClearingChunk {
  entries: ClearingEntry[];
  /** Key the next chunk starts at (inclusive); undefined = the range is read to its end. */
  next: string | undefined;
}

/**
 * Up to `max` entries from `startKey` (a clearing key, inclusive) to `toIso` (exclusive). One
 * row more is read to know whether the range goes on: its key is where the next chunk starts.
 * A range read to its end is exhausted, so the peer re-checks all of it at validation.
 */
export async function clearingChunk(
  ctx: MallContext,
  startKey: string,
  toIso: string,
  max: number,
): Promise<ClearingChunk> {
  const entries: ClearingEntry[] = [];
  const iterator = await ctx.stub.getStateByRange(startKey, PREFIX + toIso);
  try {
    for (let res = await iterator.next(); !res.done; res = await iterator.next()) {
      if (entries.length === max) return { entries, next: res.value.key };
      entries.push(JSON.parse(Buffer.from(res.value.value).toString('utf8')) as ClearingEntry);
    }
  } finally {
    await iterator.close();
  }
  return { entries, next: undefined };
}

/** Where a period's first chunk starts. */
export const periodStartKey = (fromIso: string): string => PREFIX + fromIso;

/** The first entry booked before `toIso`, if any (one read). */
export async function firstClearingBefore(ctx: MallContext, toIso: string): Promise<ClearingEntry | undefined> {
  const [first] = await listByRange<ClearingEntry>(ctx, PREFIX, PREFIX + toIso, 1, 'clearing entries', false);
  return first;
}
