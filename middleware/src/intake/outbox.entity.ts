import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { IntakeItemEntity } from './intake-item.entity';

/** Work queue of items still to be sent to the ledger; a row disappears when its item is settled. */
@Entity('outbox')
@Index('outbox_ready', ['availableAt', 'id'])
@Index('outbox_ordering', ['orderingKey', 'id'], { where: '"ordering_key" IS NOT NULL' })
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'tracking_id', type: 'uuid' })
  trackingId!: string;

  @OneToOne(() => IntakeItemEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tracking_id' })
  item?: IntakeItemEntity;

  @Column({ name: 'available_at', type: 'timestamptz', default: () => 'now()' })
  availableAt!: Date;

  /** Lease of the batcher that claimed the row; expired leases are claimed again. */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;

  /** Fencing token of the claim that holds the lease: every write of a holder names it (stale holders are refused). */
  @Column({ name: 'claimed_by', type: 'uuid', nullable: true })
  claimedBy!: string | null;

  /** Items with the same key are carried in outbox order, each only after the one before left the outbox. */
  @Column({ name: 'ordering_key', type: 'text', nullable: true })
  orderingKey!: string | null;

  /** The row is claimed only once the intake item (`after_kind`, `after_key`) is committed (it may not exist yet). */
  @Column({ name: 'after_kind', type: 'text', nullable: true })
  afterKind!: string | null;

  @Column({ name: 'after_key', type: 'text', nullable: true })
  afterKey!: string | null;
}
