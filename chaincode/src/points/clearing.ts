/**
 * Clearing entries: what one mall owes another for points it issued and the other honoured.
 * They live under plain keys that sort by time (`points~clr~<ISO time>~<txId>~<seq>`), so a
 * settlement period is one range query and the peer re-checks that range at validation
 * (a late entry inside a period being closed makes the close fail rather than be missed).
 */
import { MallContext } from '../common/state';
import { ClearingEntry } from './model';
import { putSimple } from './store';

const PREFIX = 'points~clr~';

export function clearingKey(at: string, txId: string, seq: number): string {
  return `${PREFIX}${at}~${txId}~${String(seq).padStart(4, '0')}`;
}

/** Books an entry when two different malls are involved; returns its key, or undefined. */
export async function bookClearing(ctx: MallContext, entry: ClearingEntry, seq: number): Promise<string | undefined> {
  if (entry.debtor === entry.creditor || entry.amountFen === 0) return undefined;
  const stateKey = clearingKey(entry.at, entry.txId, seq);
  await putSimple(ctx, 'clearing', stateKey, entry);
  return stateKey;
}

/** Entries booked at times in [fromIso, toIso), in time order. */
export async function clearingBetween(ctx: MallContext, fromIso: string, toIso: string): Promise<ClearingEntry[]> {
  const out: ClearingEntry[] = [];
  const iterator = await ctx.stub.getStateByRange(PREFIX + fromIso, PREFIX + toIso);
  try {
    for (let res = await iterator.next(); !res.done; res = await iterator.next()) {
      out.push(JSON.parse(Buffer.from(res.value.value).toString('utf8')) as ClearingEntry);
    }
  } finally {
    await iterator.close();
  }
  return out;
}
