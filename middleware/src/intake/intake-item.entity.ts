import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';

export type IntakeStatus = 'pending' | 'committed' | 'dead';

/** An accepted request (raw record) and its ledger outcome, found by tracking ID. */
@Entity('intake_items')
@Unique('intake_items_natural_key', ['kind', 'naturalKey'])
@Index('intake_items_dead', ['updatedAt'], { where: `"status" = 'dead'` })
@Index('intake_items_created_at', ['createdAt'])
@Index('intake_dead_ordering', ['orderingKey', 'queueSeq'], {
  where: `"status" = 'dead' AND "ordering_key" IS NOT NULL`,
})
@Check('intake_items_status', `"status" IN ('pending', 'committed', 'dead')`)
export class IntakeItemEntity {
  @PrimaryColumn({ name: 'tracking_id', type: 'uuid' })
  trackingId!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'natural_key', type: 'text' })
  naturalKey!: string;

  /** SHA-256 of the canonical (JCS) payload: same key + same hash = duplicate, different hash = conflict. */
  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  /** Chaincode function (`contract:Function`) and its arguments, fixed at intake. */
  @Column({ type: 'text' })
  fn!: string;

  @Column({ type: 'jsonb' })
  args!: string[];

  @Column({ type: 'text', default: 'pending' })
  status!: IntakeStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** The item's transaction: written before it is sent (see `txSentAt`), kept as the committed one. */
  @Index('intake_items_tx_id')
  @Column({ name: 'tx_id', type: 'text', nullable: true })
  txId!: string | null;

  /**
   * Signed envelope of `txId` as items recorded it before intake_tx_envelopes (read as a fallback, cleared when the
   * item settles); new records keep the envelope once per transaction there.
   */
  @Column({ name: 'tx_envelope', type: 'bytea', nullable: true })
  txEnvelope!: Buffer | null;

  /** When `txId` was last about to be sent to the orderer. */
  @Column({ name: 'tx_sent_at', type: 'timestamptz', nullable: true })
  txSentAt!: Date | null;

  @Column({ name: 'block_number', type: 'bigint', nullable: true })
  blockNumber!: string | null;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'committed_at', type: 'timestamptz', nullable: true })
  committedAt!: Date | null;

  @Column({ name: 'ordering_key', type: 'text', nullable: true })
  orderingKey!: string | null;

  /**
   * The item's place in its key's order: the ID of its first outbox row. A requeued item's new outbox row takes it
   * again, so it keeps its place; a dead item holds back the later items of its key (`intake_dead_ordering`).
   */
  @Column({ name: 'queue_seq', type: 'bigint', nullable: true })
  queueSeq!: string | null;

  /** The predecessor (`kind`, `natural_key`) that must have committed before this item is claimed. */
  @Column({ name: 'after_kind', type: 'text', nullable: true })
  afterKind!: string | null;

  @Column({ name: 'after_key', type: 'text', nullable: true })
  afterKey!: string | null;

  /** When `intake.stalled` was appended for this item (once per item). */
  @Column({ name: 'stalled_at', type: 'timestamptz', nullable: true })
  stalledAt!: Date | null;

  /** Terminal transitions and admin actions, oldest first: `{ status, at, code?, reason?, txId?, by? }`. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  history!: IntakeHistoryEntry[];
}

export interface IntakeHistoryEntry {
  readonly status: IntakeStatus | 'requeued';
  readonly at: string;
  readonly code?: string;
  readonly reason?: string;
  readonly txId?: string;
  readonly by?: string;
  /** On a dead entry: the ordering key the item left (its refusal released the key's later items). */
  readonly released?: string;
}

/**
 * The signed envelope of a transaction the batcher is about to send, once per transaction (a batch call carries up
 * to hundreds of items): while an item with that `tx_id` is pending, a restarted batcher sends the very same
 * transaction again. Deleted once no pending item names it.
 */
@Entity('intake_tx_envelopes')
@Index('intake_tx_envelopes_recorded_at', ['recordedAt'])
export class IntakeTxEnvelopeEntity {
  @PrimaryColumn({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ type: 'bytea' })
  envelope!: Buffer;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
