import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Ordered log of what integrators may subscribe to: projected ledger changes and intake outcomes.
 * `seq` is the offset webhook subscriptions advance through.
 */
@Entity('events')
@Index('events_ledger_tx', ['txId'], { unique: true, where: `"type" = 'ledger.changes'` })
export class EventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'tx_id', type: 'text', nullable: true })
  txId!: string | null;

  @Column({ name: 'block_number', type: 'bigint', nullable: true })
  blockNumber!: string | null;

  @Column({ type: 'jsonb' })
  data!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
