import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type OperationStatus = 'running' | 'succeeded' | 'failed';

export interface ProgressLine {
  readonly at: string;
  readonly line: string;
}

/**
 * A long admin operation (channel create, proposal submit, chaincode upgrade) run in the
 * background. At most one runs at a time: they all change the same network.
 */
@Entity('consortium_operations')
@Check('consortium_operations_status', `"status" IN ('running', 'succeeded', 'failed')`)
@Index('consortium_operations_one_running', ['status'], { unique: true, where: `"status" = 'running'` })
export class OperationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The audit operation name, e.g. `chaincode.upgrade`. */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  status!: OperationStatus;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'jsonb' })
  target!: object;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  progress!: ProgressLine[];

  @Column({ type: 'jsonb', nullable: true })
  result!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  error!: object | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
