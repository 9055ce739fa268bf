/**
 * Clearing entries: what one mall owes another for points it issued and the other honoured.
 * They live under plain keys that sort by time (`points~clr~<ISO time>~<txId>~<seq>`), so a
 * settlement period is one range query and the peer re-checks that range at validation
 * (a late entry inside a period being closed makes the close fail rather than be missed).
 */
import { MallContext, listByRange, putPlain } from '../common/state';
import { ClearingEntry } from './model';

const PREFIX = 'points~clr~';

/** Plain key of a clearing entry; `seq` keeps several entries of one transaction apart. */
export function clearingKey(at: string, txId: string, seq: number): string {
  return `${PREFIX}${at}~${txId}~${String(seq).padStart(4, '0')}`;
}

/** Books an entry when two different malls are involved; returns its key, or undefined. */
export async function bookClearing(ctx: MallContext, entry: ClearingEntry, seq: number): Promise<string | undefined> {
  if (entry.debtor === entry.creditor || entry.amountFen === 0) return undefined;
  const stateKey = clearingKey(entry.at, entry.txId, seq);
  await putPlain(ctx, 'clearing', stateKey, entry);
  return stateKey;
}

/** Entries booked at times in [fromIso, toIso), in time order. */
export async function clearingBetween(ctx: MallContext, fromIso: string, toIso: string): Promise<ClearingEntry[]> {
  return listByRange<ClearingEntry>(ctx, PREFIX + fromIso, PREFIX + toIso);
}
