import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AuditResult = 'ok' | 'refused' | 'failed';

/**
 * One row per consortium admin request: who, what, when, result. Requests refused before the
 * service ran (no key, wrong scope, bad input, rate limit) are aggregated instead: one row per
 * (actor, client address, operation, reason) per minute, `count` of them, `finished_at` the last.
 */
@Entity('consortium_audit_log')
@Index('consortium_audit_log_started', ['startedAt'])
@Check('consortium_audit_log_result', `"result" IN ('ok', 'refused', 'failed')`)
export class AuditLogEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Readable actor, e.g. `api-key:ops@MallAMSP`, or `anonymous` when no valid key was presented. */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ name: 'actor_key_id', type: 'uuid', nullable: true })
  actorKeyId!: string | null;

  @Column({ name: 'actor_key_name', type: 'text', nullable: true })
  actorKeyName!: string | null;

  @Column({ name: 'actor_msp_id', type: 'text', nullable: true })
  actorMspId!: string | null;

  /** e.g. `channel.list`, `proposal.sign`, `chaincode.upgrade`. */
  @Column({ type: 'text' })
  operation!: string;

  @Column({ type: 'jsonb' })
  target!: object;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt!: Date;

  @Column({ type: 'text' })
  result!: AuditResult;

  /** `{ code, message, details? }` when refused or failed. */
  @Column({ type: 'jsonb', nullable: true })
  error!: object | null;

  @Column({ type: 'jsonb', nullable: true })
  outcome!: object | null;

  /** How many requests this row stands for (1 unless it aggregates refusals). */
  @Column({ type: 'int', default: 1 })
  count!: number;

  /** Client address of the (first) request. */
  @Column({ name: 'client_address', type: 'text', nullable: true })
  clientAddress!: string | null;

  /** `<minute>|<actor>|<address>|<operation>|<code: message>` on an aggregated refusal row; null otherwise. */
  @Index('consortium_audit_log_aggregate', { unique: true })
  @Column({ name: 'aggregate_key', type: 'text', nullable: true })
  aggregateKey!: string | null;

  /** The records ConsortiumAdmin handed to its audit callback while serving this request. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  steps!: unknown[];
}
