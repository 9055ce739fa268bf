import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-mallchain-signature';
export const TIMESTAMP_HEADER = 'x-mallchain-timestamp';

/**
 * `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`: the timestamp is signed too, so
 * a receiver can refuse old deliveries replayed by someone else.
 */
export function signDelivery(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** What a receiver does (exported for integrators' tests and ours). */
export function verifyDelivery(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signDelivery(secret, timestamp, body));
  const got = Buffer.from(signature);
  return expected.length === got.length && timingSafeEqual(expected, got);
}
