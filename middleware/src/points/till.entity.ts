import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A POS till of this mall: where its receipts earn (merchant, program) and whose they are (tenant). */
@Entity('points_tills')
export class TillEntity {
  /** The Haide orgCode (mall code) the till sends receipts under. */
  @PrimaryColumn({ name: 'org_code', type: 'text' })
  orgCode!: string;

  @PrimaryColumn({ name: 'pos_no', type: 'text' })
  posNo!: string;

  /** Merchant ID on the ledger (`RegisterMerchant`). */
  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ type: 'text' })
  tenant!: string;

  /** The merchant's program on the ledger, and its category (earn-rule multipliers); mirrors the merchant. */
  @Column({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ type: 'text' })
  category!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
