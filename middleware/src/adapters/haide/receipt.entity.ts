import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A receipt a Haide-style POS pushed and the middleware accepted, with what it did to points: the authority
 * for duplicates (same natural key, same content hash) and the source of day-end reconciliation.
 */
@Entity('haide_receipts')
@Check('haide_receipts_tx_type', `"tx_type" IN ('SALE', 'RETURN')`)
@Index('haide_receipts_day', ['orgCode', 'businessDate', 'posNo'])
@Index('haide_receipts_returns', ['orgCode', 'posNo', 'backFlowNo'], { where: `tx_type = 'RETURN'` })
export class HaideReceiptEntity {
  @PrimaryColumn({ name: 'org_code', type: 'text' })
  orgCode!: string;

  @PrimaryColumn({ name: 'pos_no', type: 'text' })
  posNo!: string;

  @PrimaryColumn({ name: 'flow_no', type: 'text' })
  flowNo!: string;

  /** SHA-256 of the JCS of the receipt as received. */
  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ name: 'tx_type', type: 'text' })
  txType!: 'SALE' | 'RETURN';

  @Column({ name: 'ocr_time', type: 'timestamptz' })
  ocrTime!: Date;

  /** Asia/Shanghai day of `ocrTime`. */
  @Column({ name: 'business_date', type: 'date' })
  businessDate!: string;

  @Column({ name: 'real_amt_fen', type: 'bigint' })
  realAmtFen!: string;

  /** Points credited (sale) or reversed (return); 0 when nothing went to the ledger. */
  @Column({ type: 'int' })
  points!: number;

  /** The intake item of its ledger call, when there is one. */
  @Column({ name: 'tracking_id', type: 'uuid', nullable: true })
  trackingId!: string | null;

  @Column({ name: 'back_flow_no', type: 'text', nullable: true })
  backFlowNo!: string | null;

  @Column({ name: 'member_did', type: 'text', nullable: true })
  memberDid!: string | null;

  @Column({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  /** Set while a return waits for its sale (pushed before it): no points decided, nothing on the intake. */
  @Column({ name: 'parked_since', type: 'timestamptz', nullable: true })
  parkedSince!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
