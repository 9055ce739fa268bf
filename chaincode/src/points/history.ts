/** A member's points history: one line per change, keyed under the member so it never contends. */
import { MallContext, key, listByPrefix, put } from '../common/state';
import { HistoryLine, K } from './model';

/** Writes one history line; `seq` keeps several lines of one transaction apart. */
export async function addHistory(ctx: MallContext, line: HistoryLine, seq: number): Promise<void> {
  await put(ctx, 'history', key(ctx, K.history, line.member, line.at, line.txId, String(seq).padStart(4, '0')), line);
}

/** The member's newest `limit` lines, newest first. */
export async function memberHistory(ctx: MallContext, member: string, limit: number): Promise<HistoryLine[]> {
  const rows = await listByPrefix<HistoryLine>(ctx, K.history, [member], 'history lines');
  return rows
    .map((r) => r.value)
    .reverse()
    .slice(0, limit);
}
