import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An integrator's webhook: what it wants, where it is in the event log, and how delivery is going. */
@Entity('webhook_subscriptions')
@Check('webhook_subscriptions_status', `"status" IN ('active', 'failing', 'paused')`)
export class SubscriptionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'mall_msp_id', type: 'text' })
  mallMspId!: string;

  @Column({ type: 'text' })
  url!: string;

  /** HMAC key; kept readable because every delivery is signed with it. */
  @Column({ type: 'text' })
  secret!: string;

  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes!: string[];

  /** Sequence number of the last event acknowledged by the receiver. */
  @Column({ name: 'offset', type: 'bigint', default: 0 })
  offset!: string;

  @Column({ type: 'text', default: 'active' })
  status!: 'active' | 'failing' | 'paused';

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_delivered_at', type: 'timestamptz', nullable: true })
  lastDeliveredAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
