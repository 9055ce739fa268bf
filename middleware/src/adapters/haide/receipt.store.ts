import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** Something that runs SQL: the data source, or the manager of an open transaction. */
type Queryable = Pick<DataSource | EntityManager, 'query'>;

export interface StoredReceipt {
  readonly orgCode: string;
  readonly posNo: string;
  readonly flowNo: string;
  readonly contentHash: string;
  readonly txType: 'SALE' | 'RETURN';
  readonly ocrTime: Date;
  readonly businessDate: string;
  readonly realAmtFen: number;
  readonly points: number;
  readonly trackingId: string | null;
  readonly backFlowNo: string | null;
  readonly memberDid: string | null;
  readonly programId: string;
  readonly merchantId: string;
  readonly appId: string;
}

const COLUMNS = `org_code AS "orgCode", pos_no AS "posNo", flow_no AS "flowNo", content_hash AS "contentHash",
  tx_type AS "txType", ocr_time AS "ocrTime", business_date::text AS "businessDate", real_amt_fen::int AS "realAmtFen",
  points, tracking_id AS "trackingId", back_flow_no AS "backFlowNo", member_did AS "memberDid",
  program_id AS "programId", merchant_id AS "merchantId", app_id AS "appId"`;

/** SQL of the Haide receipts table. */
@Injectable()
export class ReceiptStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The stored receipts of `keys` (posNo, flowNo) of one orgCode, by `posNo/flowNo`. */
  async findMany(
    orgCode: string,
    keys: readonly { posNo: string; flowNo: string }[],
    q: Queryable = this.ds,
  ): Promise<Map<string, StoredReceipt>> {
    const out = new Map<string, StoredReceipt>();
    if (keys.length === 0) return out;
    const rows = await q.query<StoredReceipt[]>(
      `SELECT ${COLUMNS} FROM haide_receipts
       WHERE org_code = $1 AND (pos_no, flow_no) IN (SELECT p, f FROM unnest($2::text[], $3::text[]) AS k(p, f))`,
      [orgCode, keys.map((k) => k.posNo), keys.map((k) => k.flowNo)],
    );
    for (const r of rows) out.set(`${r.posNo}/${r.flowNo}`, r);
    return out;
  }

  /**
   * Every return of the sales `sales` (posNo, sale flowNo), decided and parked, parked ones in arrival order: what
   * earlier returns took, and what waits for its sale.
   */
  async returnsOfSales(
    orgCode: string,
    sales: readonly { posNo: string; flowNo: string }[],
    q: Queryable,
  ): Promise<(StoredReceipt & { parked: boolean })[]> {
    if (sales.length === 0) return [];
    return q.query<(StoredReceipt & { parked: boolean })[]>(
      `SELECT ${COLUMNS}, parked_since IS NOT NULL AS parked FROM haide_receipts
       WHERE org_code = $1 AND tx_type = 'RETURN'
         AND (pos_no, back_flow_no) IN (SELECT p, f FROM unnest($2::text[], $3::text[]) AS k(p, f))
       ORDER BY parked_since, created_at, flow_no`,
      [orgCode, sales.map((k) => k.posNo), sales.map((k) => k.flowNo)],
    );
  }

  /**
   * Stores receipts in one statement; parked ones (returns waiting for their sale) get `parked_since` in the order
   * given. @returns the `posNo/flowNo` of the rows written (a key already there is left as it is)
   */
  async insertMany(rows: readonly { row: StoredReceipt; parked: boolean }[], q: Queryable): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const col = <T>(f: (r: StoredReceipt) => T): T[] => rows.map((x) => f(x.row));
    const res = await q.query<{ posNo: string; flowNo: string }[]>(
      `INSERT INTO haide_receipts (org_code, pos_no, flow_no, content_hash, tx_type, ocr_time, business_date,
         real_amt_fen, points, tracking_id, back_flow_no, member_did, program_id, merchant_id, app_id, parked_since)
       SELECT o, p, f, h, t, ot, bd, amt, pts, tid, bf, md, pg, mc, ap,
              CASE WHEN pk THEN (SELECT clock_timestamp()) + n * interval '1 microsecond' END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::date[],
                   $8::bigint[], $9::int[], $10::uuid[], $11::text[], $12::text[], $13::text[], $14::text[],
                   $15::text[], $16::bool[]) WITH ORDINALITY
              AS r(o, p, f, h, t, ot, bd, amt, pts, tid, bf, md, pg, mc, ap, pk, n)
       ORDER BY n
       ON CONFLICT (org_code, pos_no, flow_no) DO NOTHING RETURNING pos_no AS "posNo", flow_no AS "flowNo"`,
      [
        col((r) => r.orgCode),
        col((r) => r.posNo),
        col((r) => r.flowNo),
        col((r) => r.contentHash),
        col((r) => r.txType),
        col((r) => r.ocrTime),
        col((r) => r.businessDate),
        col((r) => r.realAmtFen),
        col((r) => r.points),
        col((r) => r.trackingId),
        col((r) => r.backFlowNo),
        col((r) => r.memberDid),
        col((r) => r.programId),
        col((r) => r.merchantId),
        col((r) => r.appId),
        rows.map((x) => x.parked),
      ],
    );
    return new Set(res.map((r) => `${r.posNo}/${r.flowNo}`));
  }

  /** Parked returns decided by their sale: their points, member and intake item; no longer parked. */
  async releaseMany(
    orgCode: string,
    rows: readonly Pick<StoredReceipt, 'posNo' | 'flowNo' | 'points' | 'memberDid' | 'trackingId'>[],
    q: Queryable,
  ): Promise<void> {
    if (rows.length === 0) return;
    await q.query(
      `UPDATE haide_receipts r SET points = u.pts, member_did = u.md, tracking_id = u.tid, parked_since = NULL
       FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::uuid[]) AS u(p, f, pts, md, tid)
       WHERE r.org_code = $1 AND r.pos_no = u.p AND r.flow_no = u.f AND r.parked_since IS NOT NULL`,
      [
        orgCode,
        rows.map((r) => r.posNo),
        rows.map((r) => r.flowNo),
        rows.map((r) => r.points),
        rows.map((r) => r.memberDid),
        rows.map((r) => r.trackingId),
      ],
    );
  }

  /** Parked returns their sale refused (more than is left of it): no longer stored, counted as rejected instead. */
  async discardMany(orgCode: string, keys: readonly { posNo: string; flowNo: string }[], q: Queryable): Promise<void> {
    if (keys.length === 0) return;
    await q.query(
      `DELETE FROM haide_receipts r USING unnest($2::text[], $3::text[]) AS k(p, f)
       WHERE r.org_code = $1 AND r.pos_no = k.p AND r.flow_no = k.f AND r.parked_since IS NOT NULL`,
      [orgCode, keys.map((k) => k.posNo), keys.map((k) => k.flowNo)],
    );
  }

  /**
   * Runs `work` in ONE transaction holding the locks of the sales `saleKeys` (a sale and its returns are decided one
   * request at a time). The locks are taken in one statement in the order of their lock numbers, so two requests
   * sharing sales (two tills, two instances) wait for each other instead of deadlocking.
   */
  withSaleLocks<T>(saleKeys: readonly string[], work: (q: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(async (m) => {
      if (saleKeys.length > 0)
        await m.query(
          `SELECT count(pg_advisory_xact_lock(l.h)) FROM (
             SELECT DISTINCT hashtextextended('haide.sale:' || k, 7) AS h FROM unnest($1::text[]) AS k ORDER BY 1
           ) AS l`,
          [[...new Set(saleKeys)]],
        );
      return work(m);
    });
  }
}
