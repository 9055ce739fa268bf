import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Receipts that were not stored, counted per till, business day and outcome (`duplicate`, `rejected`) for the
 * day-end reconciliation: the receipts themselves are not kept.
 */
@Entity('haide_receipt_counts')
export class HaideReceiptCountEntity {
  @PrimaryColumn({ name: 'org_code', type: 'text' })
  orgCode!: string;

  @PrimaryColumn({ name: 'business_date', type: 'date' })
  businessDate!: string;

  @PrimaryColumn({ name: 'pos_no', type: 'text' })
  posNo!: string;

  @PrimaryColumn({ type: 'text' })
  outcome!: string;

  @Column({ type: 'int' })
  count!: number;
}
