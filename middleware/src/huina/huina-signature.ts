import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How far `X-Ca-Timestamp` may lie from the middleware's clock. */
export const TIMESTAMP_SKEW_MS = 5 * 60_000;
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export interface SignedParts {
  readonly method: string;
  /** Path and query exactly as sent (`/huina/v1/traffic?siteKey=…`). */
  readonly path: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly body: Uint8Array;
}

/** `METHOD \n path \n timestamp \n nonce \n hex(SHA-256(body))`: the string an X-Ca-Signature signs. */
export function stringToSign(p: SignedParts): string {
  const bodyHash = createHash('sha256').update(p.body).digest('hex');
  return `${p.method.toUpperCase()}\n${p.path}\n${p.timestamp}\n${p.nonce}\n${bodyHash}`;
}

/** base64(HMAC-SHA256(secret, stringToSign)). */
export function caSignature(secret: Uint8Array, p: SignedParts): string {
  return createHmac('sha256', secret).update(stringToSign(p)).digest('base64');
}

/** Constant-time comparison of a presented signature with the expected one. */
export function signatureMatches(secret: Uint8Array, p: SignedParts, presented: string): boolean {
  const expected = Buffer.from(caSignature(secret, p), 'base64');
  const given = Buffer.from(presented, 'base64');
  // base64 decoding ignores junk: the presented text must be the canonical encoding of 32 bytes.
  return given.length === expected.length && given.toString('base64') === presented && timingSafeEqual(given, expected);
}
