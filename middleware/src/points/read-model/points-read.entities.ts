import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// Typed read tables of the points contract; the schema comes from migrations/1795410000000-PointsReadModel.ts.

@Entity('points_programs')
@Index('points_programs_ledger_key', ['ledgerKey'], { unique: true })
export class PointsProgramsEntity {
  @PrimaryColumn({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ name: 'issuer', type: 'text' })
  issuer!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'unit_value_fen', type: 'integer' })
  unitValueFen!: number;

  @Column({ name: 'next_unit_value', type: 'jsonb' })
  nextUnitValue!: unknown;

  @Column({ name: 'expiry_months', type: 'integer' })
  expiryMonths!: number;

  @Column({ name: 'return_window_days', type: 'integer' })
  returnWindowDays!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_merchants')
@Index('points_merchants_ledger_key', ['ledgerKey'], { unique: true })
export class PointsMerchantsEntity {
  @PrimaryColumn({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ name: 'mall', type: 'text' })
  mall!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'category', type: 'text' })
  category!: string;

  @Column({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ name: 'status', type: 'text' })
  status!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_accruals')
@Index('points_accruals_ledger_key', ['ledgerKey'], { unique: true })
@Index('points_accruals_member', ['member'])
export class PointsAccrualsEntity {
  @PrimaryColumn({ name: 'program_id', type: 'text' })
  programId!: string;

  @PrimaryColumn({ name: 'source_ref', type: 'text' })
  sourceRef!: string;

  @Column({ name: 'member', type: 'text' })
  member!: string;

  @Column({ name: 'amount', type: 'bigint' })
  amount!: string;

  @Column({ name: 'merchant', type: 'text', nullable: true })
  merchant!: string | null;

  @Column({ name: 'lot_id', type: 'text' })
  lotId!: string;

  @Column({ name: 'reversed', type: 'bigint' })
  reversed!: string;

  @Column({ name: 'earned_at', type: 'timestamptz' })
  earnedAt!: Date;

  @Column({ name: 'accrual_tx_id', type: 'text' })
  accrualTxId!: string;

  @Column({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_reversals')
@Index('points_reversals_ledger_key', ['ledgerKey'], { unique: true })
@Index('points_reversals_source', ['programId', 'sourceRef'])
export class PointsReversalsEntity {
  @PrimaryColumn({ name: 'program_id', type: 'text' })
  programId!: string;

  @PrimaryColumn({ name: 'reversal_ref', type: 'text' })
  reversalRef!: string;

  @Column({ name: 'source_ref', type: 'text' })
  sourceRef!: string;

  @Column({ name: 'member', type: 'text' })
  member!: string;

  @Column({ name: 'lot_id', type: 'text' })
  lotId!: string;

  @Column({ name: 'amount', type: 'bigint' })
  amount!: string;

  @Column({ name: 'at', type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_redemptions')
@Index('points_redemptions_ledger_key', ['ledgerKey'], { unique: true })
@Index('points_redemptions_member', ['member'])
export class PointsRedemptionsEntity {
  @PrimaryColumn({ name: 'merchant', type: 'text' })
  merchant!: string;

  @PrimaryColumn({ name: 'ref', type: 'text' })
  ref!: string;

  @Column({ name: 'mall', type: 'text' })
  mall!: string;

  @Column({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ name: 'issuer', type: 'text' })
  issuer!: string;

  @Column({ name: 'member', type: 'text' })
  member!: string;

  @Column({ name: 'amount', type: 'bigint' })
  amount!: string;

  @Column({ name: 'value_fen', type: 'bigint' })
  valueFen!: string;

  @Column({ name: 'takes', type: 'jsonb' })
  takes!: unknown;

  @Column({ name: 'clearing_key', type: 'text', nullable: true })
  clearingKey!: string | null;

  @Column({ name: 'at', type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_clearing')
@Index('points_clearing_at', ['at'])
export class PointsClearingEntity {
  @Column({ name: 'kind', type: 'text' })
  kind!: string;

  @Column({ name: 'debtor', type: 'text' })
  debtor!: string;

  @Column({ name: 'creditor', type: 'text' })
  creditor!: string;

  @Column({ name: 'amount_fen', type: 'bigint' })
  amountFen!: string;

  @Column({ name: 'points', type: 'bigint' })
  points!: string;

  @Column({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ name: 'ref', type: 'text' })
  ref!: string;

  @Column({ name: 'at', type: 'timestamptz' })
  at!: Date;

  @PrimaryColumn({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_statements')
@Index('points_statements_ledger_key', ['ledgerKey'], { unique: true })
export class PointsStatementsEntity {
  @PrimaryColumn({ name: 'period_id', type: 'text' })
  periodId!: string;

  @Column({ name: 'period_from', type: 'timestamptz' })
  periodFrom!: Date;

  @Column({ name: 'period_to', type: 'timestamptz' })
  periodTo!: Date;

  @Column({ name: 'entries', type: 'integer' })
  entries!: number;

  @Column({ name: 'gross', type: 'jsonb' })
  gross!: unknown;

  @Column({ name: 'positions', type: 'jsonb' })
  positions!: unknown;

  @Column({ name: 'payments', type: 'jsonb' })
  payments!: unknown;

  @Column({ name: 'closed_by', type: 'text' })
  closedBy!: string;

  @Column({ name: 'closed_at', type: 'timestamptz' })
  closedAt!: Date;

  @Column({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_confirmations')
@Index('points_confirmations_ledger_key', ['ledgerKey'], { unique: true })
export class PointsConfirmationsEntity {
  @PrimaryColumn({ name: 'period_id', type: 'text' })
  periodId!: string;

  @PrimaryColumn({ name: 'mall', type: 'text' })
  mall!: string;

  @Column({ name: 'confirmed_at', type: 'timestamptz' })
  confirmedAt!: Date;

  @Column({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_rates')
@Index('points_rates_ledger_key', ['ledgerKey'], { unique: true })
export class PointsRatesEntity {
  @PrimaryColumn({ name: 'from_program', type: 'text' })
  fromProgram!: string;

  @PrimaryColumn({ name: 'to_program', type: 'text' })
  toProgram!: string;

  @Column({ name: 'numerator', type: 'bigint' })
  numerator!: string;

  @Column({ name: 'denominator', type: 'bigint' })
  denominator!: string;

  @Column({ name: 'unit_value_fen', type: 'integer' })
  unitValueFen!: number;

  @Column({ name: 'status', type: 'text' })
  status!: string;

  @Column({ name: 'proposed_by', type: 'text' })
  proposedBy!: string;

  @Column({ name: 'approved_by', type: 'text', nullable: true })
  approvedBy!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_history')
@Index('points_history_member', ['member', 'ledgerKey'])
export class PointsHistoryEntity {
  @Column({ name: 'member', type: 'text' })
  member!: string;

  @Column({ name: 'type', type: 'text' })
  type!: string;

  @Column({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ name: 'points', type: 'bigint' })
  points!: string;

  @Column({ name: 'ref', type: 'text' })
  ref!: string;

  @Column({ name: 'at', type: 'timestamptz' })
  at!: Date;

  @PrimaryColumn({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_lots')
@Index('points_lots_ledger_key', ['ledgerKey'], { unique: true })
@Index('points_lots_member', ['member', 'programId', 'live'])
export class PointsLotsEntity {
  @PrimaryColumn({ name: 'lot_id', type: 'text' })
  lotId!: string;

  @Column({ name: 'member', type: 'text' })
  member!: string;

  @Column({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ name: 'origin', type: 'text' })
  origin!: string;

  @Column({ name: 'source_ref', type: 'text' })
  sourceRef!: string;

  @Column({ name: 'amount', type: 'bigint' })
  amount!: string;

  @Column({ name: 'remaining', type: 'bigint' })
  remaining!: string;

  @Column({ name: 'redeemed', type: 'bigint' })
  redeemed!: string;

  @Column({ name: 'reversed', type: 'bigint' })
  reversed!: string;

  @Column({ name: 'expired', type: 'bigint' })
  expired!: string;

  @Column({ name: 'moved_out', type: 'bigint' })
  movedOut!: string;

  @Column({ name: 'earned_at', type: 'timestamptz' })
  earnedAt!: Date;

  @Column({ name: 'available_at', type: 'timestamptz' })
  availableAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'live', type: 'boolean' })
  live!: boolean;

  @Column({ name: 'ledger_key', type: 'text' })
  ledgerKey!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

@Entity('points_balances')
export class PointsBalancesEntity {
  @PrimaryColumn({ name: 'member', type: 'text' })
  member!: string;

  @PrimaryColumn({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ name: 'remaining', type: 'bigint' })
  remaining!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

/** Every points read entity (for the entity list). */
export const POINTS_READ_ENTITIES = [
  PointsProgramsEntity,
  PointsMerchantsEntity,
  PointsAccrualsEntity,
  PointsReversalsEntity,
  PointsRedemptionsEntity,
  PointsClearingEntity,
  PointsStatementsEntity,
  PointsConfirmationsEntity,
  PointsRatesEntity,
  PointsHistoryEntity,
  PointsLotsEntity,
  PointsBalancesEntity,
];
