import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { EvidenceRef, RoundRecord } from '../ledger/domain/jointstats.ledger';

/** Huina site types by the names a round's `siteLevel` uses (DOMAIN.md: 100 group … 700 entrance). */
export const SITE_LEVELS: Readonly<Record<string, number>> = {
  group: 100,
  mall: 300,
  zone: 400,
  floor: 500,
  store: 600,
  entrance: 700,
};

/** Traffic metrics, and the column of `huina_traffic_buckets` each one sums. */
export const METRIC_COLUMNS = {
  /** people entering: Σ inNum */
  visitors: 'in_num',
  /** people leaving: Σ outNum */
  visitorsOut: 'out_num',
} as const;

/** Sales metrics over this mall's Haide SALE receipts (`haide_receipts`, by `ocr_time`), and what each aggregates. */
export const SALES_AGGREGATES = {
  /** gross sales: Σ realAmt in fen */
  salesFen: 'SUM(r.real_amt_fen)',
  /** number of sales */
  receipts: 'COUNT(r.flow_no)',
} as const;

type TrafficMetric = keyof typeof METRIC_COLUMNS;
type SalesMetric = keyof typeof SALES_AGGREGATES;
export type Metric = TrafficMetric | SalesMetric;

export const METRICS = [...Object.keys(METRIC_COLUMNS), ...Object.keys(SALES_AGGREGATES)] as Metric[];

export function isMetric(m: string): m is Metric {
  return Object.hasOwn(METRIC_COLUMNS, m) || Object.hasOwn(SALES_AGGREGATES, m);
}

function isSales(m: Metric): m is SalesMetric {
  return Object.hasOwn(SALES_AGGREGATES, m);
}

/** Why this middleware cannot compute a round's input, or null when it can. */
export function notComputable(round: Pick<RoundRecord, 'metric' | 'siteLevel' | 'attested'>): string | null {
  if (!isMetric(round.metric) || SITE_LEVELS[round.siteLevel] === undefined) {
    return `metric ${round.metric} at level ${round.siteLevel} is not computed by this middleware`;
  }
  if (isSales(round.metric) && round.siteLevel !== 'mall') {
    return `metric ${round.metric} is computed for the whole mall only (siteLevel mall), not ${round.siteLevel}`;
  }
  if (isSales(round.metric) && round.attested === true) {
    return `attested rounds cover traffic metrics only, not ${round.metric}`;
  }
  return null;
}

/** One mall's input for a round: a count per bucket; buckets without any stored figure are `absent`. */
export interface InputVector {
  readonly values: readonly bigint[];
  readonly absent: readonly number[];
  /**
   * Attested rounds only: per bucket the device attestations (Huina reports with a deviceProof) the figures of
   * the bucket came in; [] for absent buckets.
   */
  readonly evidence?: readonly (readonly EvidenceRef[])[];
}

/** A contributed bucket of an attested round some figure of which came without a device proof. */
export class UnattestedInputError extends Error {
  override readonly name = 'UnattestedInputError';
}

export interface InputSource {
  vector(round: RoundRecord): Promise<InputVector>;
}

/**
 * Traffic metrics: per bucket, Σ `inNum` (`visitors`) or Σ `outNum` (`visitorsOut`) of this mall's Huina buckets
 * (`huina_traffic_buckets`) of exactly the round's bucket length starting at that bucket, over the sites of the
 * round's level. Sales metrics (`salesFen`, `receipts`): this mall's Haide SALE receipts by `ocr_time`, whole mall
 * only. A bucket without any figure is absent (the mall is not counted there), not zero. Read only.
 */
@Injectable()
export class HuinaInputSource implements InputSource {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async vector(round: RoundRecord): Promise<InputVector> {
    const why = notComputable(round);
    const siteType = SITE_LEVELS[round.siteLevel];
    if (why !== null || !isMetric(round.metric) || siteType === undefined) throw new Error(why ?? 'not computable');
    if (isSales(round.metric)) return this.#sales(round, round.metric);
    const column = METRIC_COLUMNS[round.metric]; // a name from the constant table above, never request text
    const rows = await this.ds.query<{ idx: number; total: string | null }[]>(
      `SELECT b.idx, SUM(t.${column})::text AS total
       FROM generate_series(0, $1::int - 1) AS b(idx)
       LEFT JOIN huina_traffic_buckets t
         ON t.interval_min = $2::int
        AND t.data_time = $3::timestamptz + make_interval(mins => b.idx * $2::int)
        AND t.site_key IN (SELECT site_key FROM huina_sites WHERE site_type = $4::int)
       GROUP BY b.idx ORDER BY b.idx`,
      [round.buckets, round.bucketMinutes, round.periodStart, siteType],
    );
    const values = rows.map((r) => BigInt(r.total ?? '0'));
    const absent = rows.flatMap((r) => (r.total === null ? [r.idx] : []));
    if (round.attested !== true) return { values, absent };
    return { values, absent, evidence: await this.#evidence(round, siteType, absent) };
  }

  /** Per bucket the aggregate of this mall's SALE receipts whose `ocr_time` lies in it; a bucket without any is absent. */
  async #sales(round: RoundRecord, metric: SalesMetric): Promise<InputVector> {
    const aggregate = SALES_AGGREGATES[metric]; // from the constant table above, never request text
    const rows = await this.ds.query<{ idx: number; total: string | null }[]>(
      `SELECT b.idx, CASE WHEN COUNT(r.flow_no) = 0 THEN NULL ELSE (${aggregate})::text END AS total
       FROM generate_series(0, $1::int - 1) AS b(idx)
       LEFT JOIN haide_receipts r
         ON r.tx_type = 'SALE'
        AND r.ocr_time >= $3::timestamptz + make_interval(mins => b.idx * $2::int)
        AND r.ocr_time < $3::timestamptz + make_interval(mins => (b.idx + 1) * $2::int)
       GROUP BY b.idx ORDER BY b.idx`,
      [round.buckets, round.bucketMinutes, round.periodStart],
    );
    return {
      values: rows.map((r) => BigInt(r.total ?? '0')),
      absent: rows.flatMap((r) => (r.total === null ? [r.idx] : [])),
    };
  }

  /**
   * Per bucket the distinct reports (device, seq) the bucket's figures came in. Every figure summed must have come
   * with a device proof: a bucket with one that did not is refused here, naming it, rather than dealt.
   */
  async #evidence(round: RoundRecord, siteType: number, absent: readonly number[]): Promise<EvidenceRef[][]> {
    const rows = await this.ds.query<
      { idx: number; unproven: number; refs: { deviceDid: string; seq: number | string }[] | null }[]
    >(
      `SELECT b.idx,
              count(*) FILTER (WHERE t.site_key IS NOT NULL AND r.id IS NULL)::int AS unproven,
              jsonb_agg(DISTINCT jsonb_build_object('deviceDid', r.device_did, 'seq', r.seq))
                FILTER (WHERE r.id IS NOT NULL) AS refs
       FROM generate_series(0, $1::int - 1) AS b(idx)
       LEFT JOIN huina_traffic_buckets t
         ON t.interval_min = $2::int
        AND t.data_time = $3::timestamptz + make_interval(mins => b.idx * $2::int)
        AND t.site_key IN (SELECT site_key FROM huina_sites WHERE site_type = $4::int)
       LEFT JOIN huina_traffic_reports r ON r.id = t.report_id
       GROUP BY b.idx ORDER BY b.idx`,
      [round.buckets, round.bucketMinutes, round.periodStart, siteType],
    );
    return rows.map((r) => {
      if (absent.includes(r.idx)) return [];
      if (r.unproven > 0 || !r.refs?.length) {
        throw new UnattestedInputError(
          `round ${round.roundId} is attested, but bucket ${r.idx} holds ${r.unproven} figure(s) without a device proof`,
        );
      }
      return r.refs
        .map((x) => ({ deviceDid: x.deviceDid, seq: Number(x.seq) }))
        .sort((a, b) => a.deviceDid.localeCompare(b.deviceDid) || a.seq - b.seq);
    });
  }
}
