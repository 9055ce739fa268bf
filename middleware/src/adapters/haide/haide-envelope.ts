import canonicalize from 'canonicalize';
import { hmacHex, NONCE_PATTERN, NONCE_RULE } from '../../partners/signed-request';

/** Every request body of `/haide/v1/...` (docs/haide.md). */
export interface HaideEnvelope {
  readonly appId: string;
  /** Milliseconds since 1970, as sent (a number or a string of digits): signed as its decimal text. */
  readonly timestamp: string;
  readonly nonce: string;
  readonly orgCode: string;
  readonly sign: string;
  readonly data: unknown;
}

const FIELDS = ['appId', 'timestamp', 'nonce', 'orgCode', 'sign', 'data'];

/**
 * `hex(HMAC-SHA256(secret, appId + "\n" + timestamp + "\n" + nonce + "\n" + JCS(data)))` — what a POS signs.
 * @example haideSign(Buffer.from(secret), 'hd_…', '1767225600000', 'n-0001', { posNo: 'P1', … })
 */
export function haideSign(secret: Buffer, appId: string, timestamp: string, nonce: string, data: unknown): string {
  return hmacHex(secret, `${appId}\n${timestamp}\n${nonce}\n${canonicalize(data) ?? 'null'}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TIMESTAMP_RULE = 'timestamp must be milliseconds since 1970 (an integer)';

function isTimestamp(ts: unknown): boolean {
  return (typeof ts === 'number' && Number.isSafeInteger(ts)) || (typeof ts === 'string' && /^\d{1,16}$/.test(ts));
}

function isText(v: unknown): boolean {
  return typeof v === 'string' && v !== '' && v.length <= 128;
}

/** The envelope's shape (not its authenticity): every problem named by field. */
export function envelopeProblems(body: unknown): string[] {
  if (!isRecord(body)) return ['request body must be a JSON object (the Haide envelope)'];
  const problems = Object.keys(body)
    .filter((k) => !FIELDS.includes(k))
    .map((k) => `${k}: property ${k} should not exist`);
  for (const k of ['appId', 'orgCode', 'sign']) if (!isText(body[k])) problems.push(`${k} must be a non-empty string`);
  if (!isTimestamp(body.timestamp)) problems.push(TIMESTAMP_RULE);
  if (typeof body.nonce !== 'string' || !NONCE_PATTERN.test(body.nonce)) problems.push(`nonce ${NONCE_RULE}`);
  if (typeof body.data !== 'object' || body.data === null) problems.push('data must be an object');
  return problems;
}

/** The envelope of a body {@link envelopeProblems} found nothing wrong with. */
export function asEnvelope(body: Record<string, unknown>): HaideEnvelope {
  return {
    appId: body.appId as string,
    timestamp: String(body.timestamp),
    nonce: body.nonce as string,
    orgCode: body.orgCode as string,
    sign: body.sign as string,
    data: body.data,
  };
}
