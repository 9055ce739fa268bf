import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { formatShanghai, localParts, parseShanghai } from './shanghai-time';

export const SITE_TYPES = [100, 300, 400, 500, 600, 700] as const;
export const INTERVALS = ['5', '15', '60', 'H', 'D'] as const;
export type IntervalCode = (typeof INTERVALS)[number];
/** Bucket length in minutes; `60` and `H` are the same hour bucket. */
export const INTERVAL_MINUTES: Readonly<Record<IntervalCode, number>> = { '5': 5, '15': 15, '60': 60, H: 60, D: 1440 };
export const RECORDS_MAX = 1000;
/** Far above any real bucket (a whole group of malls in a day), low enough to keep sums in bigint. */
export const COUNT_MAX = 100_000_000;
export const SITE_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
export const SITE_KEY_MAX = 64;
/** A revision time may run ahead of the middleware's clock by this much (counter clock skew). */
export const MODIFY_SKEW_MS = 5 * 60_000;
export const DID_PATTERN = /^did:mallchain:[A-Za-z0-9_-]{43}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** One validated record; `raw` is the record exactly as received (what a device proof hashes). */
export interface TrafficRecord {
  readonly siteKey: string;
  readonly siteName: string;
  readonly siteType: number;
  readonly parentSiteKey: string | undefined;
  readonly dataTime: string;
  readonly dataTimeMs: number;
  readonly interval: IntervalCode;
  readonly intervalMin: number;
  readonly inNum: number;
  readonly outNum: number;
  readonly throughNum: number | undefined;
  readonly modifyTime: string;
  readonly modifyTimeMs: number;
  readonly deviceHost: string | undefined;
  readonly channel: string | undefined;
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface DeviceProof {
  readonly deviceDid: string;
  readonly seq: number;
  readonly digest: string;
  readonly signature: string;
}

export interface TrafficPush {
  readonly customerId: string;
  readonly records: readonly TrafficRecord[];
  readonly deviceProof: DeviceProof | undefined;
}

const RECORD_FIELDS = new Set([
  'siteKey',
  'siteName',
  'siteType',
  'parentSiteKey',
  'dataTime',
  'interval',
  'inNum',
  'outNum',
  'throughNum',
  'modifyTime',
  'deviceHost',
  'channel',
]);
const PUSH_FIELDS = new Set(['customerId', 'records', 'deviceProof']);
const PROOF_FIELDS = new Set(['deviceDid', 'seq', 'digest', 'signature']);

type Problems = string[];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownFields(v: Record<string, unknown>, allowed: ReadonlySet<string>, prefix: string, out: Problems): void {
  for (const k of Object.keys(v)) if (!allowed.has(k)) out.push(`${prefix}${k}: property ${k} should not exist`);
}

function text(v: unknown, max: number, pattern?: RegExp, hint?: string): string | undefined {
  if (typeof v !== 'string') return 'must be a string';
  if (v.length < 1) return 'must not be empty';
  if (v.length > max) return `must be shorter than or equal to ${max} characters`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(v)) return 'must not contain control characters';
  if (pattern && !pattern.test(v)) return hint ?? 'has an invalid format';
  return undefined;
}

function count(v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) return 'must be an integer';
  if (v < 0) return 'must not be negative';
  if (v > COUNT_MAX) return `must not be greater than ${COUNT_MAX}`;
  return undefined;
}

/** `5`, `15`, `60` as numbers or strings, `H`, `D`. */
export function intervalOf(v: unknown): IntervalCode | undefined {
  const s = typeof v === 'number' ? String(v) : v;
  return typeof s === 'string' && (INTERVALS as readonly string[]).includes(s) ? (s as IntervalCode) : undefined;
}

/** Whether an instant starts a bucket of `minutes` in Shanghai local time. */
export function aligned(ms: number, minutes: number): boolean {
  const { hour, minute, second } = localParts(ms);
  if (second !== 0) return false;
  if (minutes === 1440) return hour === 0 && minute === 0;
  return minute % minutes === 0;
}

function localTime(v: unknown): number | string {
  if (typeof v !== 'string') return 'must be a string';
  return parseShanghai(v) ?? 'must be an existing Asia/Shanghai time in the form yyyy-MM-dd HH:mm:ss';
}

const SITE_KEY_HINT = 'may contain only letters, digits and . : @ - (starting with a letter or digit)';

function optional(v: unknown, check: (x: unknown) => string | undefined): string | undefined {
  return v === undefined || v === null ? undefined : check(v);
}

function push(out: Problems, prefix: string, field: string, problem: string | undefined): void {
  if (problem !== undefined) out.push(`${prefix}${field} ${problem}`);
}

function timeProblems(r: Record<string, unknown>, p: string, nowMs: number, out: Problems): void {
  const interval = intervalOf(r.interval);
  if (interval === undefined) out.push(`${p}interval must be one of 5, 15, 60, H, D`);
  const data = localTime(r.dataTime);
  if (typeof data === 'string') out.push(`${p}dataTime ${data}`);
  else if (interval !== undefined && !aligned(data, INTERVAL_MINUTES[interval]))
    out.push(`${p}dataTime must start a ${interval}${interval === 'H' || interval === 'D' ? '' : '-minute'} bucket`);
  modifyProblems(r, p, typeof data === 'number' ? data : undefined, nowMs, out);
}

function modifyProblems(
  r: Record<string, unknown>,
  p: string,
  dataMs: number | undefined,
  nowMs: number,
  out: Problems,
): void {
  const modify = localTime(r.modifyTime);
  if (typeof modify === 'string') out.push(`${p}modifyTime ${modify}`);
  else if (modify > nowMs + MODIFY_SKEW_MS) out.push(`${p}modifyTime must not be in the future`);
  else if (dataMs !== undefined && modify < dataMs) out.push(`${p}modifyTime must not be before dataTime`);
}

function recordProblems(r: Record<string, unknown>, p: string, nowMs: number, out: Problems): void {
  unknownFields(r, RECORD_FIELDS, p, out);
  push(out, p, 'siteKey', text(r.siteKey, SITE_KEY_MAX, SITE_KEY_PATTERN, SITE_KEY_HINT));
  push(out, p, 'siteName', text(r.siteName, 128));
  if (!(SITE_TYPES as readonly unknown[]).includes(r.siteType))
    out.push(`${p}siteType must be one of ${SITE_TYPES.join(', ')}`);
  push(
    out,
    p,
    'parentSiteKey',
    optional(r.parentSiteKey, (v) => text(v, SITE_KEY_MAX, SITE_KEY_PATTERN, SITE_KEY_HINT)),
  );
  if (r.parentSiteKey !== undefined && r.parentSiteKey === r.siteKey)
    out.push(`${p}parentSiteKey must differ from siteKey`);
  timeProblems(r, p, nowMs, out);
  push(out, p, 'inNum', count(r.inNum));
  push(out, p, 'outNum', count(r.outNum));
  push(out, p, 'throughNum', optional(r.throughNum, count));
  push(
    out,
    p,
    'deviceHost',
    optional(r.deviceHost, (v) => text(v, 128)),
  );
  push(
    out,
    p,
    'channel',
    optional(r.channel, (v) => text(v, 64)),
  );
}

function optString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function toRecord(r: Record<string, unknown>): TrafficRecord {
  const interval = intervalOf(r.interval) as IntervalCode;
  const dataTimeMs = parseShanghai(r.dataTime as string) as number;
  const modifyTimeMs = parseShanghai(r.modifyTime as string) as number;
  return {
    siteKey: r.siteKey as string,
    siteName: r.siteName as string,
    siteType: r.siteType as number,
    parentSiteKey: optString(r.parentSiteKey),
    dataTime: formatShanghai(dataTimeMs),
    dataTimeMs,
    interval,
    intervalMin: INTERVAL_MINUTES[interval],
    inNum: r.inNum as number,
    outNum: r.outNum as number,
    throughNum: typeof r.throughNum === 'number' ? r.throughNum : undefined,
    modifyTime: formatShanghai(modifyTimeMs),
    modifyTimeMs,
    deviceHost: optString(r.deviceHost),
    channel: optString(r.channel),
    raw: r,
  };
}

function proofProblems(v: unknown, out: Problems): void {
  if (!isRecord(v)) {
    out.push('deviceProof must be an object');
    return;
  }
  unknownFields(v, PROOF_FIELDS, 'deviceProof.', out);
  push(out, 'deviceProof.', 'deviceDid', text(v.deviceDid, 80, DID_PATTERN, 'must be a did:mallchain identifier'));
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 1)
    out.push('deviceProof.seq must be an integer ≥ 1');
  push(
    out,
    'deviceProof.',
    'digest',
    text(v.digest, 43, /^[A-Za-z0-9_-]{43}$/, 'must be base64url SHA-256 (43 characters)'),
  );
  push(out, 'deviceProof.', 'signature', text(v.signature, 200, B64URL, 'must be base64url'));
}

function refuse(problems: Problems): BadRequestException {
  return new BadRequestException({ error: 'INPUT_INVALID', message: problems });
}

/**
 * `{ customerId, records: [...], deviceProof? }` per DOMAIN.md. Every problem of every record is named by its
 * path (`records.3.inNum must not be negative`); one bad field refuses the whole request, nothing is stored.
 */
export function validateTrafficPush(body: unknown, nowMs: number): TrafficPush {
  if (!isRecord(body)) throw refuse(['request body must be a JSON object']);
  const problems: Problems = [];
  unknownFields(body, PUSH_FIELDS, '', problems);
  push(problems, '', 'customerId', text(body.customerId, 64));
  const records = body.records;
  if (!Array.isArray(records)) problems.push('records must be an array');
  else if (records.length < 1) problems.push('records must contain at least 1 elements');
  else if (records.length > RECORDS_MAX) problems.push(`records must contain no more than ${RECORDS_MAX} elements`);
  else
    records.forEach((r: unknown, i) => {
      if (isRecord(r)) recordProblems(r, `records.${i}.`, nowMs, problems);
      else problems.push(`records.${i} must be an object`);
    });
  if (body.deviceProof !== undefined) proofProblems(body.deviceProof, problems);
  if (problems.length > 0) throw refuse(problems);
  return {
    customerId: body.customerId as string,
    records: (records as Record<string, unknown>[]).map(toRecord),
    deviceProof: body.deviceProof as DeviceProof | undefined,
  };
}

/** Body pipe of `POST /huina/v1/traffic`. */
@Injectable()
export class TrafficPushPipe implements PipeTransform<unknown, TrafficPush> {
  transform(value: unknown): TrafficPush {
    return validateTrafficPush(value, Date.now());
  }
}
