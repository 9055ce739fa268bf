import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** One till's day, as the mall matches it against its own day-end totals. */
export interface TillDay {
  readonly posNo: string;
  /** accepted + duplicates + rejected */
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** Accepted receipts whose ledger call is committed (receipts without points have none). */
  readonly committed: number;
  /** … still on their way, and dead-lettered (see `/v1/intake/:trackingId`). */
  readonly pending: number;
  readonly failed: number;
  /** Accepted returns waiting for their sale (pushed before it): nothing reversed yet, not in `pending`. */
  readonly parked: number;
  /** Points of committed sales and of committed returns. */
  readonly pointsCredited: number;
  readonly pointsReversed: number;
}

const DAY_SQL = `
WITH stored AS (
  SELECT r.pos_no, count(*)::int AS accepted,
    count(*) FILTER (WHERE i.status = 'committed')::int AS committed,
    count(*) FILTER (WHERE i.status = 'pending')::int AS pending,
    count(*) FILTER (WHERE i.status = 'dead')::int AS failed,
    count(*) FILTER (WHERE r.parked_since IS NOT NULL)::int AS parked,
    coalesce(sum(r.points) FILTER (WHERE i.status = 'committed' AND r.tx_type = 'SALE'), 0)::int AS credited,
    coalesce(sum(r.points) FILTER (WHERE i.status = 'committed' AND r.tx_type = 'RETURN'), 0)::int AS reversed
  FROM haide_receipts r LEFT JOIN intake_items i ON i.tracking_id = r.tracking_id
  WHERE r.org_code = $1 AND r.business_date = $2::date GROUP BY r.pos_no),
counted AS (
  SELECT pos_no,
    coalesce(sum(count) FILTER (WHERE outcome = 'duplicate'), 0)::int AS duplicates,
    coalesce(sum(count) FILTER (WHERE outcome = 'rejected'), 0)::int AS rejected
  FROM haide_receipt_counts WHERE org_code = $1 AND business_date = $2::date GROUP BY pos_no)
SELECT coalesce(s.pos_no, c.pos_no) AS "posNo", coalesce(s.accepted, 0) AS accepted,
  coalesce(c.duplicates, 0) AS duplicates, coalesce(c.rejected, 0) AS rejected,
  coalesce(s.committed, 0) AS committed, coalesce(s.pending, 0) AS pending, coalesce(s.failed, 0) AS failed,
  coalesce(s.parked, 0) AS parked,
  coalesce(s.credited, 0) AS "pointsCredited", coalesce(s.reversed, 0) AS "pointsReversed"
FROM stored s FULL JOIN counted c ON c.pos_no = s.pos_no ORDER BY 1`;

/** SQL of the day-end figures: stored receipts with their intake status, plus the counted ones. */
@Injectable()
export class ReconciliationStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Counts receipts that were answered `duplicate` or `rejected` (one statement per outcome and till-day). */
  async count(
    orgCode: string,
    entries: readonly { posNo: string; businessDate: string; outcome: string }[],
    q: Pick<DataSource | EntityManager, 'query'> = this.ds,
  ): Promise<void> {
    if (entries.length === 0) return;
    await q.query(
      `INSERT INTO haide_receipt_counts (org_code, business_date, pos_no, outcome, count)
       SELECT $1, d::date, p, o, count(*)::int FROM unnest($2::text[], $3::text[], $4::text[]) AS e(d, p, o) GROUP BY d, p, o
       ON CONFLICT (org_code, business_date, pos_no, outcome) DO UPDATE SET count = haide_receipt_counts.count + EXCLUDED.count`,
      [orgCode, entries.map((e) => e.businessDate), entries.map((e) => e.posNo), entries.map((e) => e.outcome)],
    );
  }

  async day(orgCode: string, businessDate: string): Promise<TillDay[]> {
    const rows = await this.ds.query<Omit<TillDay, 'received'>[]>(DAY_SQL, [orgCode, businessDate]);
    return rows.map((r) => ({ ...r, received: r.accepted + r.duplicates + r.rejected }));
  }
}
