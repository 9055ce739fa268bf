import type { DataSource, EntityManager } from 'typeorm';
import { MAX_DEPTH, type SiteRow } from './site-tree';
import type { TrafficRecord } from './traffic.validator';

/** Serialises changes of the site tree (cycle checks must see every concurrent re-parenting). */
const SITE_TREE_LOCK = 'huina_site_tree';

export interface BucketWrite {
  readonly record: TrafficRecord;
  readonly position: number;
}

export interface ReportWrite {
  readonly deviceDid: string;
  readonly seq: number;
  readonly digest: string;
  readonly statement: object;
  readonly kid: string;
  readonly trackingId: string;
  readonly appId: string;
  readonly records: readonly object[];
}

export interface StoredReport {
  readonly id: string;
  readonly deviceDid: string;
  readonly seq: string;
  readonly digest: string;
  readonly kid: string;
  readonly trackingId: string;
  readonly records: readonly object[];
}

export interface StoredBucket {
  readonly siteKey: string;
  readonly interval: string;
  readonly inNum: number;
  readonly outNum: number;
  readonly throughNum: number | null;
  readonly modifyTime: Date;
  readonly deviceHost: string | null;
  readonly channel: string | null;
  readonly reportId: string | null;
  readonly reportPosition: number | null;
}

export interface RollupRow {
  readonly own: boolean;
  readonly bucket: Date;
  readonly inNum: string;
  readonly outNum: string;
  readonly throughNum: string | null;
  readonly sites: number;
}

export const bucketKey = (siteKey: string, dataTimeMs: number, intervalMin: number): string =>
  `${siteKey}\u0000${dataTimeMs}\u0000${intervalMin}`;

const SITES_SQL = `WITH RECURSIVE up(site_key, depth) AS (
    SELECT unnest($1::text[]), 0
    UNION SELECT s.parent_site_key, up.depth + 1 FROM huina_sites s JOIN up ON s.site_key = up.site_key
    WHERE s.parent_site_key IS NOT NULL AND up.depth < ${MAX_DEPTH})
  SELECT DISTINCT s.site_key AS "siteKey", s.site_name AS "siteName", s.site_type AS "siteType",
    s.parent_site_key AS "parentSiteKey" FROM huina_sites s JOIN up ON s.site_key = up.site_key`;

const UPSERT_SITES_SQL = `INSERT INTO huina_sites (site_key, site_name, site_type, parent_site_key, updated_at)
  SELECT *, now() FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) ORDER BY 1
  ON CONFLICT (site_key) DO UPDATE SET site_name = excluded.site_name, site_type = excluded.site_type,
    parent_site_key = excluded.parent_site_key, updated_at = now()`;

// Rows go in key order (concurrent pushes lock shared buckets in the same order: no deadlock), and a revision
// replaces a bucket only if it is strictly newer: the row lock makes concurrent revisions of one bucket settle on
// the newest, whatever order they arrive in. xmax = 0 tells an insert from an update.
const UPSERT_BUCKETS_SQL = `INSERT INTO huina_traffic_buckets (site_key, data_time, interval_min, interval, in_num,
    out_num, through_num, modify_time, device_host, channel, app_id, report_id, report_position, updated_at)
  SELECT *, now() FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::text[], $5::int[], $6::int[], $7::int[],
    $8::timestamptz[], $9::text[], $10::text[], $11::text[], $12::uuid[], $13::int[]) ORDER BY 1, 2, 3
  ON CONFLICT (site_key, data_time, interval_min) DO UPDATE SET interval = excluded.interval,
    in_num = excluded.in_num, out_num = excluded.out_num, through_num = excluded.through_num,
    modify_time = excluded.modify_time, device_host = excluded.device_host, channel = excluded.channel,
    app_id = excluded.app_id, report_id = excluded.report_id, report_position = excluded.report_position,
    updated_at = now()
  WHERE huina_traffic_buckets.modify_time < excluded.modify_time
    OR (huina_traffic_buckets.modify_time = excluded.modify_time AND huina_traffic_buckets.report_id = $14::uuid)
  RETURNING site_key, data_time, interval_min, (xmax = 0) AS inserted`;

const INSERT_REPORT_SQL = `INSERT INTO huina_traffic_reports (device_did, seq, digest, statement, kid, tracking_id, app_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (device_did, seq) WHERE superseded_at IS NULL DO NOTHING RETURNING id`;

/**
 * The seq's report whose intake item is no longer the seq's item: the ledger refused it for its proof and a new
 * statement took the seq (the item `$3` now holds `<did>#<seq>`). It is set aside, to be superseded by the new one.
 */
const SET_ASIDE_REPORT_SQL = `WITH r AS (UPDATE huina_traffic_reports SET superseded_at = now()
    WHERE device_did = $1 AND seq = $2 AND superseded_at IS NULL AND tracking_id <> $3 RETURNING id)
  SELECT id FROM r`;

const ROLLUP_SQL = `WITH src AS (
    SELECT site_key, min(interval_min) AS iv FROM huina_traffic_buckets
    WHERE site_key = ANY($1::text[]) AND data_time >= $2 AND data_time < $3 AND interval_min <= $4
      AND $4 % interval_min = 0
    GROUP BY site_key)
  SELECT b.site_key = $5 AS own,
    date_bin(make_interval(mins => $4), b.data_time, TIMESTAMPTZ '2000-01-01 00:00:00+08') AS bucket,
    sum(b.in_num)::text AS "inNum", sum(b.out_num)::text AS "outNum", sum(b.through_num)::text AS "throughNum",
    count(DISTINCT b.site_key)::int AS sites
  FROM huina_traffic_buckets b JOIN src ON src.site_key = b.site_key AND src.iv = b.interval_min
  WHERE b.data_time >= $2 AND b.data_time < $3
  GROUP BY 1, 2 ORDER BY 2, 1 DESC`;

/** SQL of the Huina adapter: sites, buckets, proven reports. */
export class TrafficStore {
  constructor(private readonly ds: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  /** The stored sites among `keys` and all their ancestors. */
  async sitesAndAncestors(
    keys: readonly string[],
    em: EntityManager | DataSource = this.ds,
  ): Promise<Map<string, SiteRow>> {
    const rows = await em.query<SiteRow[]>(SITES_SQL, [[...new Set(keys)]]);
    return new Map(rows.map((r) => [r.siteKey, r]));
  }

  async lockSiteTree(em: EntityManager): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [SITE_TREE_LOCK]);
  }

  async upsertSites(em: EntityManager, sites: readonly SiteRow[]): Promise<void> {
    if (sites.length === 0) return;
    await em.query(UPSERT_SITES_SQL, [
      sites.map((s) => s.siteKey),
      sites.map((s) => s.siteName),
      sites.map((s) => s.siteType),
      sites.map((s) => s.parentSiteKey),
    ]);
  }

  /**
   * The report's ID: a new one, or the existing one of the same device and sequence (a re-sent push). `replaced` is
   * the seq's earlier report whose attestation the ledger refused (its item gave the seq up): superseded by this one.
   */
  async insertReport(em: EntityManager, r: ReportWrite): Promise<{ id: string; replaced?: string }> {
    const aside = await em.query<{ id: string }[]>(SET_ASIDE_REPORT_SQL, [r.deviceDid, r.seq, r.trackingId]);
    const id = await this.#insertReport(em, r);
    const replaced = aside[0]?.id;
    if (replaced === undefined) return { id };
    await em.query(`UPDATE huina_traffic_reports SET superseded_by = $2 WHERE id = $1`, [replaced, id]);
    return { id, replaced };
  }

  async #insertReport(em: EntityManager, r: ReportWrite): Promise<string> {
    const inserted = await em.query<{ id: string }[]>(INSERT_REPORT_SQL, [
      r.deviceDid,
      r.seq,
      r.digest,
      r.statement,
      r.kid,
      r.trackingId,
      r.appId,
    ]);
    if (inserted[0]) {
      await em.query(
        `INSERT INTO huina_traffic_report_records (report_id, position, record)
         SELECT $1, p - 1, r FROM unnest($2::jsonb[]) WITH ORDINALITY AS u(r, p)`,
        [inserted[0].id, r.records.map((x) => JSON.stringify(x))],
      );
      return inserted[0].id;
    }
    const existing = await em.query<{ id: string }[]>(
      `SELECT id FROM huina_traffic_reports WHERE device_did = $1 AND seq = $2 AND superseded_at IS NULL`,
      [r.deviceDid, r.seq],
    );
    return (existing[0] as { id: string }).id;
  }

  /**
   * Upserts the buckets; the keys that were inserted (true) or replaced (false). Absent keys were stale. A bucket
   * carrying `adopt` (a report the ledger refused, superseded by `reportId`) takes the same revision with the new report.
   */
  async upsertBuckets(
    em: EntityManager,
    writes: readonly BucketWrite[],
    appId: string,
    reportId: string | null,
    adopt: string | null = null,
  ): Promise<Map<string, boolean>> {
    if (writes.length === 0) return new Map();
    const r = writes.map((w) => w.record);
    const rows = await em.query<{ site_key: string; data_time: Date; interval_min: number; inserted: boolean }[]>(
      UPSERT_BUCKETS_SQL,
      [
        r.map((x) => x.siteKey),
        r.map((x) => new Date(x.dataTimeMs)),
        r.map((x) => x.intervalMin),
        r.map((x) => x.interval),
        r.map((x) => x.inNum),
        r.map((x) => x.outNum),
        r.map((x) => x.throughNum ?? null),
        r.map((x) => new Date(x.modifyTimeMs)),
        r.map((x) => x.deviceHost ?? null),
        r.map((x) => x.channel ?? null),
        r.map(() => appId),
        r.map(() => reportId),
        writes.map((w) => (reportId === null ? null : w.position)),
        adopt,
      ],
    );
    return new Map(rows.map((x) => [bucketKey(x.site_key, x.data_time.getTime(), x.interval_min), x.inserted]));
  }

  async children(siteKey: string): Promise<string[]> {
    const rows = await this.ds.query<{ site_key: string }[]>(
      `SELECT site_key FROM huina_sites WHERE parent_site_key = $1 ORDER BY site_key`,
      [siteKey],
    );
    return rows.map((x) => x.site_key);
  }

  /** The whole site tree (at most `limit` sites), parents named by key: what the console draws. */
  async sites(limit = 5000): Promise<SiteRow[]> {
    return this.ds.query<SiteRow[]>(
      `SELECT site_key AS "siteKey", site_name AS "siteName", site_type AS "siteType", parent_site_key AS "parentSiteKey"
         FROM huina_sites ORDER BY site_key LIMIT $1`,
      [limit],
    );
  }

  async site(siteKey: string): Promise<SiteRow | undefined> {
    return (await this.sitesAndAncestors([siteKey])).get(siteKey);
  }

  /** Sums per roll-up bucket of `minutes`, for the site itself (own) and for the other sites together. */
  rollup(
    siteKey: string,
    sites: readonly string[],
    fromMs: number,
    toMs: number,
    minutes: number,
  ): Promise<RollupRow[]> {
    return this.ds.query<RollupRow[]>(ROLLUP_SQL, [sites, new Date(fromMs), new Date(toMs), minutes, siteKey]);
  }

  async bucket(siteKey: string, dataTimeMs: number, intervalMin: number): Promise<StoredBucket | undefined> {
    const rows = await this.ds.query<StoredBucket[]>(
      `SELECT site_key AS "siteKey", interval, in_num AS "inNum", out_num AS "outNum", through_num AS "throughNum",
         modify_time AS "modifyTime", device_host AS "deviceHost", channel, report_id AS "reportId",
         report_position AS "reportPosition"
       FROM huina_traffic_buckets WHERE site_key = $1 AND data_time = $2 AND interval_min = $3`,
      [siteKey, new Date(dataTimeMs), intervalMin],
    );
    return rows[0];
  }

  async report(id: string): Promise<StoredReport | undefined> {
    const rows = await this.ds.query<Omit<StoredReport, 'records'>[]>(
      `SELECT id, device_did AS "deviceDid", seq::text AS seq, digest, kid, tracking_id AS "trackingId"
       FROM huina_traffic_reports WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return undefined;
    const records = await this.ds.query<{ record: object }[]>(
      `SELECT record FROM huina_traffic_report_records WHERE report_id = $1 ORDER BY position`,
      [id],
    );
    return { ...r, records: records.map((x) => x.record) };
  }

  /** Buckets that still carry a revision of report `id`. */
  async bucketsOfReport(id: string): Promise<StoredBucket[]> {
    return this.ds.query<StoredBucket[]>(
      `SELECT site_key AS "siteKey", interval, in_num AS "inNum", out_num AS "outNum", through_num AS "throughNum",
         modify_time AS "modifyTime", device_host AS "deviceHost", channel, report_id AS "reportId",
         report_position AS "reportPosition"
       FROM huina_traffic_buckets WHERE report_id = $1 ORDER BY report_position`,
      [id],
    );
  }
}
