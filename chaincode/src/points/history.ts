/**
 * A member's points history: one line per change, keyed under the member so it never
 * contends. Keys sort newest first (the time part counts down), so the newest N lines are
 * one bounded range read however long the history grows.
 */
import { MallContext, firstByPrefix, key, put } from '../common/state';
import { HistoryLine, K } from './model';
import { historySeq, newestFirst } from '../wire/change-event';

// The key's time part (descending) and seq part are shared with the event's expansion (wire/change-event.ts).

/** Writes one history line; `seq` (0..9999) keeps several lines of one transaction apart, counting down too. */
export async function addHistory(ctx: MallContext, line: HistoryLine, seq: number): Promise<void> {
  await put(ctx, 'history', historyKey(ctx, line, seq), line);
}

/** Key of a history line: under its member, newest first, then the transaction and `seq` counting down. */
export function historyKey(ctx: MallContext, line: HistoryLine, seq: number): string {
  return key(ctx, K.history, line.member, newestFirst(line.at), line.txId, historySeq(seq));
}

/** The member's newest `limit` lines, newest first (lines of one transaction last-written first). */
export async function memberHistory(ctx: MallContext, member: string, limit: number): Promise<HistoryLine[]> {
  return (await firstByPrefix<HistoryLine>(ctx, K.history, [member], limit)).map((r) => r.value);
}
