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

/** The metrics the job can compute an input for, and the column of `huina_traffic_buckets` each one sums. */
export const METRIC_COLUMNS = {
  /** people entering: Σ inNum */
  visitors: 'in_num',
  /** people leaving: Σ outNum */
  visitorsOut: 'out_num',
} as const;

export type Metric = keyof typeof METRIC_COLUMNS;

export const METRICS = Object.keys(METRIC_COLUMNS) as Metric[];

export function isMetric(m: string): m is Metric {
  return Object.hasOwn(METRIC_COLUMNS, m);
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
 * Per bucket, Σ `inNum` (`visitors`) or Σ `outNum` (`visitorsOut`) of this mall's Huina buckets (`huina_traffic_buckets`) of exactly the round's
 * bucket length starting at that bucket, over the sites of the round's level. A bucket no site of the level has a
 * figure for is absent (the mall is not counted there), not zero. Read only; nothing is written.
 */
@Injectable()
export class HuinaInputSource implements InputSource {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async vector(round: RoundRecord): Promise<InputVector> {
    const siteType = SITE_LEVELS[round.siteLevel];
    if (!isMetric(round.metric) || siteType === undefined) {
      throw new Error(`metric ${round.metric} at level ${round.siteLevel} is not computed by this middleware`);
    }
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
