/**
 * A member's points history: one line per change, keyed under the member so it never
 * contends. Keys sort newest first (the time part counts down), so the newest N lines are
 * one bounded range read however long the history grows.
 */
import { MallContext, firstByPrefix, key, put } from '../common/state';
import { HistoryLine, K } from './model';

/** Milliseconds until 2286: sorting this padded value ascending lists the newest line first. */
const TIME_CEILING = 9_999_999_999_999;

/** The descending time part of a history key. */
export function newestFirst(atIso: string): string {
  return String(TIME_CEILING - Date.parse(atIso)).padStart(13, '0');
}

/** Writes one history line; `seq` (0..9999) keeps several lines of one transaction apart, counting down too. */
export async function addHistory(ctx: MallContext, line: HistoryLine, seq: number): Promise<void> {
  const stateKey = key(
    ctx,
    K.history,
    line.member,
    newestFirst(line.at),
    line.txId,
    String(9999 - seq).padStart(4, '0'),
  );
  await put(ctx, 'history', stateKey, line);
}

/** The member's newest `limit` lines, newest first (lines of one transaction last-written first). */
export async function memberHistory(ctx: MallContext, member: string, limit: number): Promise<HistoryLine[]> {
  return (await firstByPrefix<HistoryLine>(ctx, K.history, [member], limit)).map((r) => r.value);
}
