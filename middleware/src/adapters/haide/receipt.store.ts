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

  async find(
    orgCode: string,
    posNo: string,
    flowNo: string,
    q: Queryable = this.ds,
  ): Promise<StoredReceipt | undefined> {
    const rows = await q.query<StoredReceipt[]>(
      `SELECT ${COLUMNS} FROM haide_receipts WHERE org_code = $1 AND pos_no = $2 AND flow_no = $3`,
      [orgCode, posNo, flowNo],
    );
    return rows[0];
  }

  /**
   * @param parked a return whose sale has not arrived: stored with `parked_since` = now, to be decided by the sale
   * @returns false when a receipt with that natural key is already there
   */
  async insert(r: StoredReceipt, q: Queryable = this.ds, parked = false): Promise<boolean> {
    const rows = await q.query<unknown[]>(
      `INSERT INTO haide_receipts (org_code, pos_no, flow_no, content_hash, tx_type, ocr_time, business_date,
         real_amt_fen, points, tracking_id, back_flow_no, member_did, program_id, merchant_id, app_id, parked_since)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, CASE WHEN $16 THEN now() END)
       ON CONFLICT (org_code, pos_no, flow_no) DO NOTHING RETURNING 1`,
      [
        r.orgCode,
        r.posNo,
        r.flowNo,
        r.contentHash,
        r.txType,
        r.ocrTime,
        r.businessDate,
        r.realAmtFen,
        r.points,
        r.trackingId,
        r.backFlowNo,
        r.memberDid,
        r.programId,
        r.merchantId,
        r.appId,
        parked,
      ],
    );
    return rows.length === 1;
  }

  /** Parked returns of a sale, in arrival order (the order they were answered `accepted`). */
  async parkedOf(orgCode: string, posNo: string, saleFlowNo: string, q: Queryable): Promise<StoredReceipt[]> {
    return q.query<StoredReceipt[]>(
      `SELECT ${COLUMNS} FROM haide_receipts
       WHERE org_code = $1 AND pos_no = $2 AND back_flow_no = $3 AND tx_type = 'RETURN' AND parked_since IS NOT NULL
       ORDER BY parked_since, created_at, flow_no`,
      [orgCode, posNo, saleFlowNo],
    );
  }

  /** A parked return decided: its points, member and intake item; no longer parked. */
  async release(
    r: Pick<StoredReceipt, 'orgCode' | 'posNo' | 'flowNo' | 'points' | 'memberDid' | 'trackingId'>,
    q: Queryable,
  ): Promise<void> {
    await q.query(
      `UPDATE haide_receipts SET points = $4, member_did = $5, tracking_id = $6, parked_since = NULL
       WHERE org_code = $1 AND pos_no = $2 AND flow_no = $3 AND parked_since IS NOT NULL`,
      [r.orgCode, r.posNo, r.flowNo, r.points, r.memberDid, r.trackingId],
    );
  }

  /** A parked return its sale refused (more than is left of it): no longer stored, counted as rejected instead. */
  async discard(orgCode: string, posNo: string, flowNo: string, q: Queryable): Promise<void> {
    await q.query(
      `DELETE FROM haide_receipts WHERE org_code = $1 AND pos_no = $2 AND flow_no = $3 AND parked_since IS NOT NULL`,
      [orgCode, posNo, flowNo],
    );
  }

  /** What earlier returns of a sale took: amount and points (parked returns took nothing yet). */
  async returnsOf(
    orgCode: string,
    posNo: string,
    saleFlowNo: string,
    q: Queryable,
  ): Promise<{ fen: number; points: number }> {
    const rows = await q.query<{ fen: string; points: string }[]>(
      `SELECT coalesce(sum(real_amt_fen), 0)::text AS fen, coalesce(sum(points), 0)::text AS points FROM haide_receipts
       WHERE org_code = $1 AND pos_no = $2 AND back_flow_no = $3 AND tx_type = 'RETURN' AND parked_since IS NULL`,
      [orgCode, posNo, saleFlowNo],
    );
    return { fen: Number(rows[0]?.fen ?? 0), points: Number(rows[0]?.points ?? 0) };
  }

  /** Runs `work` in a transaction holding the lock of one sale: its returns are decided one at a time. */
  withSaleLock<T>(saleKey: string, work: (q: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [`haide.sale:${saleKey}`]);
      return work(m);
    });
  }
}
