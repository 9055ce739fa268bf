import { Context } from 'fabric-contract-api';

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
