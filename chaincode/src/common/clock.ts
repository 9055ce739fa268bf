import { Context } from 'fabric-contract-api';
import { timeBackwards } from './errors';

/**
 * Transaction time in epoch milliseconds. The proposal's timestamp is the only clock all
 * endorsers agree on; the peer already refuses proposals whose timestamp is far off its own.
 */
export function txTimeMs(ctx: Context): number {
  const ts = ctx.stub.getTxTimestamp();
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds.toString());
  return seconds * 1000 + Math.floor(ts.nanos / 1_000_000);
}

/** Transaction time as an ISO-8601 UTC string, the form every stored time takes. */
export function txTimeIso(ctx: Context): string {
  return new Date(txTimeMs(ctx)).toISOString();
}

export const DAY_MS = 86_400_000;

/**
 * How far a proposal's timestamp may be from the endorsing peer's clock (Fabric's
 * `peer.authentication.timewindow`, 15 minutes by default): the submitter chooses its
 * transaction time anywhere inside it.
 */
export const PEER_TIME_WINDOW_MS = 15 * 60_000;

/** Adds calendar months in UTC, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + months,
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

/**
 * Refuses a write whose transaction time is not strictly after `previousIso`, the time of
 * the version it replaces: times stored per record only go forwards (a client may pick a
 * proposal timestamp up to the peer's window in the past). A version stamped before its
 * predecessor, or at the same millisecond, would never be the one "in force" at any time
 * (resolution by time picks the later of equal times), so what its keys signed, or the
 * revocation it recorded, would become deniable.
 */
export function requireLaterThan(ctx: Context, previousIso: string, what: string): void {
  const now = txTimeMs(ctx);
  if (now <= Date.parse(previousIso)) {
    throw timeBackwards(`the transaction time ${new Date(now).toISOString()} is not after ${previousIso} of ${what}`);
  }
}

/**
 * The largest `i` in 1..`n` for which `atOrBefore(i)` holds, or 0; `atOrBefore` must be
 * monotonic (true up to some i, false after). O(log n) reads instead of a scan.
 */
export async function lastAtOrBefore(n: number, atOrBefore: (i: number) => Promise<boolean>): Promise<number> {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (await atOrBefore(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
