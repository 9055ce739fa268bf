/** Pure arithmetic behind the screens (unit-tested): what is drawn is computed here, not in components. */
import type {
  DailyPointsDay as PointsDay,
  IntakeBucketCount,
  IntakeCount,
  IntakeState,
} from '../../../../middleware/src/console/api-types';

export const INTAKE_STATES: readonly IntakeState[] = ['pending', 'stalled', 'committed', 'dead'];
export type { IntakeBucketCount, IntakeCount, IntakeState };

export type StateTotals = Record<IntakeState, number>;

const zero = (): StateTotals => ({ pending: 0, stalled: 0, committed: 0, dead: 0 });

/** Totals per state over every kind; `accepted` is all of them (every item was accepted once). */
export function totalsOf(counts: readonly IntakeCount[]): StateTotals & { accepted: number } {
  const t = zero();
  for (const c of counts) t[c.status] += c.count;
  return { ...t, accepted: t.pending + t.stalled + t.committed + t.dead };
}

/** One row per kind (the source: tills, counters…) with its count per state, kinds sorted. */
export function byKind(counts: readonly IntakeCount[]): (StateTotals & { kind: string })[] {
  const rows = new Map<string, StateTotals & { kind: string }>();
  for (const c of counts) {
    const row = rows.get(c.kind) ?? { kind: c.kind, ...zero() };
    row[c.status] += c.count;
    rows.set(c.kind, row);
  }
  return [...rows.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}

/**
 * One point per bucket present, oldest first, with a count per state (for a stacked chart), labelled `HH:mm` (UTC)
 * for hours and `MM-dd` (Asia/Shanghai) for days.
 */
export function byBucket(
  buckets: readonly IntakeBucketCount[],
  unit: 'hour' | 'day',
): (StateTotals & { label: string; start: string })[] {
  const rows = new Map<string, StateTotals & { label: string; start: string }>();
  for (const b of buckets) {
    const label = unit === 'hour' ? b.start.slice(11, 16) : shanghaiDay(new Date(b.start)).slice(5);
    const row = rows.get(b.start) ?? { label, start: b.start, ...zero() };
    row[b.status] += b.count;
    rows.set(b.start, row);
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r);
}

/** Fen as yuan with two decimals, thousands grouped: 123456 → "1,234.56". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${(abs % 100).toString().padStart(2, '0')}`;
}

/** The first day of this month and of the next (UTC), as ISO times: the default clearing window. */
export function monthWindow(now: Date): { from: string; to: string } {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { from: from.toISOString(), to: to.toISOString() };
}

export interface KeyValidity {
  readonly validFrom: string;
  readonly validTo?: string;
  readonly compromisedAt?: string;
}

/** The key a device signs with now: valid from before `now`, not rotated out, not compromised. */
export function currentKey<K extends KeyValidity>(keys: readonly K[], now: Date): K | undefined {
  const t = now.getTime();
  return keys.find(
    (k) =>
      Date.parse(k.validFrom) <= t &&
      (k.validTo === undefined || Date.parse(k.validTo) > t) &&
      (k.compromisedAt === undefined || Date.parse(k.compromisedAt) > t),
  );
}

const SHANGHAI_MS = 8 * 3_600_000;

/** The calendar day in Asia/Shanghai (UTC+8, no daylight saving) at `now`: yyyy-MM-dd. */
export function shanghaiDay(now: Date): string {
  return new Date(now.getTime() + SHANGHAI_MS).toISOString().slice(0, 10);
}

/** A yyyy-MM-dd day moved by `days`. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface SiteNode {
  readonly siteKey: string;
  readonly siteName: string;
  readonly parentSiteKey: string | null;
}

/** Sites in tree order (parents before children, siblings by key) with their depth; orphans start a tree of their own. */
export function treeOrder<S extends SiteNode>(sites: readonly S[]): (S & { depth: number })[] {
  const keys = new Set(sites.map((s) => s.siteKey));
  const children = new Map<string | null, S[]>();
  for (const s of sites) {
    const parent = s.parentSiteKey !== null && keys.has(s.parentSiteKey) ? s.parentSiteKey : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: (S & { depth: number })[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number): void => {
    for (const s of [...(children.get(parent) ?? [])].sort((a, b) => a.siteKey.localeCompare(b.siteKey))) {
      if (seen.has(s.siteKey)) continue;
      seen.add(s.siteKey);
      out.push({ ...s, depth });
      visit(s.siteKey, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

export type { PointsDay };

/** Each day with its net change (accrued − reversed − redeemed), and the sums over the range. */
export function dailyFlow(days: readonly PointsDay[]): {
  rows: (PointsDay & { net: number })[];
  totals: Omit<PointsDay, 'day'> & { net: number };
} {
  const totals = { accrued: 0, accruals: 0, reversed: 0, reversals: 0, redeemed: 0, redemptions: 0, net: 0 };
  const rows = days.map((d) => {
    const net = d.accrued - d.reversed - d.redeemed;
    totals.accrued += d.accrued;
    totals.accruals += d.accruals;
    totals.reversed += d.reversed;
    totals.reversals += d.reversals;
    totals.redeemed += d.redeemed;
    totals.redemptions += d.redemptions;
    totals.net += net;
    return { ...d, net };
  });
  return { rows, totals };
}

/** The last `days` Asia/Shanghai days up to and including today's: the daily route's default range. */
export function lastDays(now: Date, days: number): { from: string; to: string } {
  const to = shanghaiDay(now);
  return { from: addDays(to, -(days - 1)), to };
}
