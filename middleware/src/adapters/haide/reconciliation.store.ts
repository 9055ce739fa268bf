import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ADJUST_KIND, REDEEM_KIND } from './spend-kinds';

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
  /** Redemptions at this till (`/points/redeem`, stored that day in Asia/Shanghai): accepted, committed, dead. */
  readonly redemptions: number;
  readonly redemptionsCommitted: number;
  readonly redemptionsFailed: number;
  /** Points of the committed redemptions. */
  readonly pointsRedeemed: number;
}

/** The mall's manual corrections of a day (`/points/adjust` names no till): counts and committed points. */
export interface AdjustmentsDay {
  readonly accepted: number;
  readonly committed: number;
  readonly pending: number;
  readonly failed: number;
  /** Committed credits (accruals) and debits (`points:Adjust`), both as positive numbers. */
  readonly pointsCredited: number;
  readonly pointsDebited: number;
}

/** A committed ledger effect of a day, as the cache has it (`verify=ledger` looks each up on the peer). */
export interface CommittedItem {
  readonly posNo: string;
  readonly flowNo: string;
  readonly kind: 'sale' | 'return' | 'redeem';
  readonly programId: string;
  /** The accrual's sourceRef (a return: its sale's), or the redemption's ref. */
  readonly ref: string;
  /** The redemption's merchant ('' for receipts). */
  readonly merchant: string;
  /** Points credited, reversed or redeemed by this item. */
  readonly points: number;
  /** A return: points of all committed returns of its sale, any day (the ledger's accrual keeps that total). */
  readonly saleReversed: number;
}

// Redemptions and adjustments carry no time of their own: their business day is when the middleware stored them.
const spentOnDay = (kind: '$3' | '$4'): string => `kind = ${kind} AND left(natural_key, length($1) + 1) = $1 || '/'
  AND (created_at AT TIME ZONE 'Asia/Shanghai')::date = $2::date`;
const SPENT_ON_DAY = spentOnDay('$3');

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
  FROM haide_receipt_counts WHERE org_code = $1 AND business_date = $2::date GROUP BY pos_no),
spent AS (
  SELECT payload->>'posNo' AS pos_no, count(*)::int AS redemptions,
    count(*) FILTER (WHERE status = 'committed')::int AS committed,
    count(*) FILTER (WHERE status = 'dead')::int AS failed,
    coalesce(sum((payload->>'points')::int) FILTER (WHERE status = 'committed'), 0)::int AS redeemed
  FROM intake_items WHERE ${SPENT_ON_DAY} GROUP BY 1),
tills AS (SELECT pos_no FROM stored UNION SELECT pos_no FROM counted UNION SELECT pos_no FROM spent)
SELECT t.pos_no AS "posNo", coalesce(s.accepted, 0) AS accepted,
  coalesce(c.duplicates, 0) AS duplicates, coalesce(c.rejected, 0) AS rejected,
  coalesce(s.committed, 0) AS committed, coalesce(s.pending, 0) AS pending, coalesce(s.failed, 0) AS failed,
  coalesce(s.parked, 0) AS parked,
  coalesce(s.credited, 0) AS "pointsCredited", coalesce(s.reversed, 0) AS "pointsReversed",
  coalesce(p.redemptions, 0) AS redemptions, coalesce(p.committed, 0) AS "redemptionsCommitted",
  coalesce(p.failed, 0) AS "redemptionsFailed", coalesce(p.redeemed, 0) AS "pointsRedeemed"
FROM tills t LEFT JOIN stored s ON s.pos_no = t.pos_no LEFT JOIN counted c ON c.pos_no = t.pos_no
  LEFT JOIN spent p ON p.pos_no = t.pos_no ORDER BY 1`;

const ADJUSTMENTS_SQL = `
SELECT count(*)::int AS accepted,
  count(*) FILTER (WHERE status = 'committed')::int AS committed,
  count(*) FILTER (WHERE status = 'pending')::int AS pending,
  count(*) FILTER (WHERE status = 'dead')::int AS failed,
  coalesce(sum((payload->>'points')::int) FILTER (WHERE status = 'committed' AND (payload->>'points')::int > 0), 0)::int
    AS "pointsCredited",
  coalesce(-sum((payload->>'points')::int) FILTER (WHERE status = 'committed' AND (payload->>'points')::int < 0), 0)::int
    AS "pointsDebited"
FROM intake_items WHERE ${SPENT_ON_DAY}`;

const COMMITTED_RECEIPTS = `
FROM haide_receipts r JOIN intake_items i ON i.tracking_id = r.tracking_id AND i.status = 'committed'
WHERE r.org_code = $1 AND r.business_date = $2::date`;

const COMMITTED_SPENT = `FROM intake_items WHERE ${SPENT_ON_DAY} AND status = 'committed'`;

const COMMITTED_ITEMS_SQL = `
SELECT r.pos_no AS "posNo", r.flow_no AS "flowNo", lower(r.tx_type) AS kind, r.program_id AS "programId",
  'haide:' || r.org_code || '/' || r.pos_no || '/' || coalesce(r.back_flow_no, r.flow_no) AS ref, '' AS merchant,
  r.points,
  CASE WHEN r.tx_type = 'RETURN' THEN (
    SELECT coalesce(sum(o.points), 0)::int FROM haide_receipts o
      JOIN intake_items oi ON oi.tracking_id = o.tracking_id AND oi.status = 'committed'
    WHERE o.org_code = r.org_code AND o.pos_no = r.pos_no AND o.back_flow_no = r.back_flow_no AND o.tx_type = 'RETURN'
  ) ELSE 0 END AS "saleReversed"
${COMMITTED_RECEIPTS}
UNION ALL
SELECT payload->>'posNo', payload->>'flowNo', 'redeem', (args->>0)::jsonb->>'programId', (args->>0)::jsonb->>'ref',
  (args->>0)::jsonb->>'merchant', ((args->>0)::jsonb->>'amount')::int, 0
${COMMITTED_SPENT}`;

/** A committed manual correction of a day: a credit is an accrual (its sourceRef), a debit a `points:Adjust` (its ref). */
export interface CommittedAdjustment {
  readonly adjustNo: string;
  readonly programId: string;
  /** The accrual's sourceRef (a credit) or the adjustment's ref (a debit), as the intake item sent it. */
  readonly ref: string;
  /** Signed points: positive credited, negative debited. */
  readonly points: number;
}

const COMMITTED_ADJUSTMENTS_SQL = `
SELECT substr(natural_key, length($1) + 2) AS "adjustNo", (args->>0)::jsonb->>'programId' AS "programId",
  coalesce((args->>0)::jsonb->>'sourceRef', (args->>0)::jsonb->>'ref') AS ref, (payload->>'points')::int AS points
${COMMITTED_SPENT} ORDER BY 1`;

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
    const rows = await this.ds.query<Omit<TillDay, 'received'>[]>(DAY_SQL, [orgCode, businessDate, REDEEM_KIND]);
    return rows.map((r) => ({ ...r, received: r.accepted + r.duplicates + r.rejected }));
  }

  /** How many committed receipts, redemptions and adjustments the day has (the bound of `verify=ledger`). */
  async committedCount(orgCode: string, businessDate: string): Promise<number> {
    const rows = await this.ds.query<{ n: number }[]>(
      `SELECT (SELECT count(*) ${COMMITTED_RECEIPTS})::int + (SELECT count(*) ${COMMITTED_SPENT})::int
        + (SELECT count(*) FROM intake_items WHERE ${spentOnDay('$4')} AND status = 'committed')::int AS n`,
      [orgCode, businessDate, REDEEM_KIND, ADJUST_KIND],
    );
    return rows[0]?.n ?? 0;
  }

  /** The day's committed manual corrections, each with the ledger reference it is recorded under. */
  async committedAdjustments(orgCode: string, businessDate: string): Promise<CommittedAdjustment[]> {
    return this.ds.query<CommittedAdjustment[]>(COMMITTED_ADJUSTMENTS_SQL, [orgCode, businessDate, ADJUST_KIND]);
  }

  /** The day's committed receipts and redemptions, each with the ledger reference it is recorded under. */
  async committedItems(orgCode: string, businessDate: string): Promise<CommittedItem[]> {
    return this.ds.query<CommittedItem[]>(COMMITTED_ITEMS_SQL, [orgCode, businessDate, REDEEM_KIND]);
  }

  async adjustments(orgCode: string, businessDate: string): Promise<AdjustmentsDay> {
    const rows = await this.ds.query<AdjustmentsDay[]>(ADJUSTMENTS_SQL, [orgCode, businessDate, ADJUST_KIND]);
    const r = rows[0];
    if (!r) throw new Error('adjustments: no row');
    return r;
  }
}
