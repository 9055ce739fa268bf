import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const QUARANTINE_STATUSES = ['parked', 'reapplied', 'discarded'] as const;
export type QuarantineStatus = (typeof QUARANTINE_STATUSES)[number];

/**
 * A chaincode event the projection could not apply, parked with its error so that the read model
 * moves on; `log_seq` is the `events.seq` of its `projection.quarantined` entry, which fixes its place
 * in ledger order for a later re-apply.
 */
@Entity('projection_quarantine')
@Index('projection_quarantine_tx', ['txId'], { unique: true })
@Check('projection_quarantine_status', `"status" IN ('parked', 'reapplied', 'discarded')`)
export class QuarantineEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_projection_quarantine' })
  id!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'event_name', type: 'text' })
  eventName!: string;

  @Column({ type: 'bytea' })
  payload!: Buffer;

  @Column({ type: 'text' })
  error!: string;

  @Column({ name: 'log_seq', type: 'bigint' })
  logSeq!: string;

  @Column({ type: 'text', default: 'parked' })
  status!: QuarantineStatus;

  @Column({ type: 'integer', default: 1 })
  attempts!: number;

  @Column({ name: 'first_seen', type: 'timestamptz', default: () => 'now()' })
  firstSeen!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
