import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { formatShanghai, parseShanghai } from './shanghai-time';
import {
  aligned,
  INTERVAL_MINUTES,
  intervalOf,
  type IntervalCode,
  SITE_KEY_MAX,
  SITE_KEY_PATTERN,
} from './traffic.validator';

/** At most this long a range per query (a month of 5-minute buckets is under 9,000 points). */
export const QUERY_SPAN_MAX_MS = 31 * 86_400_000;

export interface TrafficQuery {
  readonly siteKey: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly interval: IntervalCode;
  readonly minutes: number;
}

export interface BucketQuery {
  readonly siteKey: string;
  readonly dataTimeMs: number;
  readonly interval: IntervalCode;
  readonly minutes: number;
}

type Query = Record<string, unknown>;

function siteKeyProblem(v: unknown): string | undefined {
  if (typeof v !== 'string' || v === '') return 'siteKey is required';
  return v.length <= SITE_KEY_MAX && SITE_KEY_PATTERN.test(v) ? undefined : 'siteKey has an invalid format';
}

function timeOf(q: Query, name: string, minutes: number | undefined, out: string[]): number {
  const v = q[name];
  const ms = typeof v === 'string' ? parseShanghai(v) : undefined;
  if (ms === undefined) out.push(`${name} must be an existing Asia/Shanghai time in the form yyyy-MM-dd HH:mm:ss`);
  else if (minutes !== undefined && !aligned(ms, minutes)) out.push(`${name} must start a bucket of the interval`);
  return ms ?? 0;
}

function only(q: Query, allowed: readonly string[], out: string[]): void {
  for (const k of Object.keys(q)) if (!allowed.includes(k)) out.push(`${k}: property ${k} should not exist`);
}

function refuse(problems: string[]): BadRequestException {
  return new BadRequestException({ error: 'INPUT_INVALID', message: problems });
}

/** `?siteKey=&from=&to=&interval=`: a range of at most 31 days whose ends start buckets of the interval. */
export function validateTrafficQuery(q: Query): TrafficQuery {
  const problems: string[] = [];
  only(q, ['siteKey', 'from', 'to', 'interval'], problems);
  const site = siteKeyProblem(q.siteKey);
  if (site !== undefined) problems.push(site);
  const interval = intervalOf(q.interval);
  if (interval === undefined) problems.push('interval must be one of 5, 15, 60, H, D');
  const minutes = interval === undefined ? undefined : INTERVAL_MINUTES[interval];
  const fromMs = timeOf(q, 'from', minutes, problems);
  const toMs = timeOf(q, 'to', minutes, problems);
  if (problems.length === 0 && toMs <= fromMs) problems.push('to must be after from');
  if (problems.length === 0 && toMs - fromMs > QUERY_SPAN_MAX_MS) problems.push('from–to may span at most 31 days');
  if (problems.length > 0) throw refuse(problems);
  return { siteKey: q.siteKey as string, fromMs, toMs, interval: interval as IntervalCode, minutes: minutes as number };
}

/** `?siteKey=&dataTime=&interval=`: one bucket. */
export function validateBucketQuery(q: Query): BucketQuery {
  const problems: string[] = [];
  only(q, ['siteKey', 'dataTime', 'interval'], problems);
  const site = siteKeyProblem(q.siteKey);
  if (site !== undefined) problems.push(site);
  const interval = intervalOf(q.interval);
  if (interval === undefined) problems.push('interval must be one of 5, 15, 60, H, D');
  const minutes = interval === undefined ? undefined : INTERVAL_MINUTES[interval];
  const dataTimeMs = timeOf(q, 'dataTime', minutes, problems);
  if (problems.length > 0) throw refuse(problems);
  return { siteKey: q.siteKey as string, dataTimeMs, interval: interval as IntervalCode, minutes: minutes as number };
}

@Injectable()
export class TrafficQueryPipe implements PipeTransform<Query, TrafficQuery> {
  transform(value: Query): TrafficQuery {
    return validateTrafficQuery(value);
  }
}

@Injectable()
export class BucketQueryPipe implements PipeTransform<Query, BucketQuery> {
  transform(value: Query): BucketQuery {
    return validateBucketQuery(value);
  }
}

export { formatShanghai };
