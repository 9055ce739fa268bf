import { createHmac, timingSafeEqual } from 'node:crypto';

/** A partner request may be this far off the middleware's clock, either way (inclusive). */
export const TIMESTAMP_WINDOW_MS = 5 * 60_000;

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const NONCE_RULE = 'must be 8 to 64 letters, digits, _ or -';

/** Why a timestamp is refused, or undefined when it is inside the window. */
export function timestampProblem(timestampMs: number, nowMs: number): string | undefined {
  if (!Number.isSafeInteger(timestampMs) || timestampMs <= 0) return 'timestamp must be milliseconds since 1970';
  const skew = timestampMs - nowMs;
  if (skew > TIMESTAMP_WINDOW_MS) return `timestamp is ${Math.round(skew / 1000)} s in the future (window ±300 s)`;
  if (-skew > TIMESTAMP_WINDOW_MS) return `timestamp is ${Math.round(-skew / 1000)} s old (window ±300 s)`;
  return undefined;
}

/** hex HMAC-SHA256 of `text` under `secret`. */
export function hmacHex(secret: Buffer, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/** Compares a presented hex signature with the expected one in constant time (case-insensitive hex). */
export function signatureMatches(presented: string, expectedHex: string): boolean {
  if (!/^[0-9a-fA-F]+$/.test(presented) || presented.length !== expectedHex.length) return false;
  return timingSafeEqual(Buffer.from(presented.toLowerCase(), 'hex'), Buffer.from(expectedHex, 'hex'));
}
