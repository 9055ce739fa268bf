import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConflictError, DriverUnsupportedError, NotFoundError } from '../common/errors';
import { LedgerFunctions } from '../ledger/ledger-functions';
import { MetricsService } from '../metrics/metrics.service';
import { GroupCommitWriter, type WriteOutcome } from './group-commit.writer';
import type { IntakeAck, IntakeRequest, IntakeStatusView } from './intake.types';
import { intakeStatusColumns, toIntakeStatusView, type IntakeStatusRow } from './intake-status.row';
import { OutboxBatcher } from './outbox.batcher';
import { OutboxStore } from './outbox.store';

// An item belongs to the mall of the key that pushed it; an item pushed without a key (tools) to this middleware's mall.
const STATUS_SQL = `SELECT ${intakeStatusColumns('i')}
  FROM intake_items i LEFT JOIN api_keys k ON k.id = i.api_key_id
  WHERE i.tracking_id = $1 AND coalesce(k.mall_msp_id, $2) = $3`;

/**
 * Durable intake: `accept` answers only after the item and its outbox row are committed in
 * Postgres; the batcher then carries it to the ledger.
 */
@Injectable()
export class IntakeService implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    readonly store: OutboxStore,
    readonly batcher: OutboxBatcher,
    private readonly writer: GroupCommitWriter,
    private readonly functions: LedgerFunctions,
  ) {
    writer.onCommitted((accepted, groupSize) => {
      this.metrics.intakeGroupSize.observe(groupSize);
      if (accepted > 0) this.batcher.notify();
    });
    metrics.setOutboxDepthSource(() => this.store.depth());
    metrics.setIntakeStalledSource(async () => (await this.store.stalled(config.batcher.stalledAfterMs)).count);
  }

  onApplicationBootstrap(): void {
    if (this.config.workersEnabled) this.batcher.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.batcher.stop();
  }

  async accept(req: IntakeRequest): Promise<IntakeAck> {
    this.#refuseUncarriable(req);
    try {
      const ack = await this.writer.write(req);
      this.metrics.intakeItems.inc({ kind: req.kind, outcome: ack.outcome });
      return ack;
    } catch (e) {
      if (e instanceof ConflictError) this.metrics.intakeItems.inc({ kind: req.kind, outcome: 'conflict' });
      throw e;
    }
  }

  /**
   * Several items of one request (a POS batch) into the group commit at once: one outcome per item, in
   * order. A conflict is that item's outcome; any other failure (database down) fails the whole call.
   */
  async acceptMany(reqs: readonly IntakeRequest[]): Promise<WriteOutcome[]> {
    for (const r of reqs) this.#refuseUncarriable(r);
    const outcomes = await this.writer.writeMany(reqs);
    const failed = outcomes.find((o) => !o.ok && !(o.error instanceof ConflictError));
    if (failed && !failed.ok) throw failed.error;
    this.#count(reqs, outcomes);
    return outcomes;
  }

  /**
   * Items written inside the caller's open transaction (`q`, its manager): they commit with the caller's other
   * writes or not at all. One outcome per item, in order; a conflict is that item's outcome, a database error
   * throws. Call `notify()` after the caller's transaction committed, and `counted()` with the outcomes of the
   * attempt that committed: nothing is counted here, as the caller's transaction may still roll back (and retry).
   */
  async acceptIn(q: Pick<EntityManager, 'query'>, reqs: readonly IntakeRequest[]): Promise<WriteOutcome[]> {
    for (const r of reqs) this.#refuseUncarriable(r);
    return this.writer.writeIn(q, reqs);
  }

  /** Counts `acceptIn` outcomes in the intake metrics: call it once the caller's transaction committed. */
  counted(reqs: readonly IntakeRequest[], outcomes: readonly WriteOutcome[]): void {
    this.#count(reqs, outcomes);
  }

  /** Wakes the batcher (items written by `acceptIn` are found by its next poll anyway). */
  notify(): void {
    this.batcher.notify();
  }

  /** Nothing is stored for a function the configured driver cannot carry exactly once (see LedgerFunctions). */
  #refuseUncarriable(req: IntakeRequest): void {
    const refusal = this.functions.refusal(req.fn, this.config.ledger.driver);
    if (refusal !== undefined)
      throw new DriverUnsupportedError(`intake refused ${req.kind} ${req.naturalKey}: ${refusal}`);
  }

  /** Counted per kind and outcome, not per item: label look-ups are not free at thousands of items per second. */
  #count(reqs: readonly IntakeRequest[], outcomes: readonly WriteOutcome[]): void {
    const counts = new Map<string, { kind: string; outcome: string; n: number }>();
    outcomes.forEach((o, i) => {
      const kind = reqs[i]?.kind ?? '';
      const outcome = o.ok ? o.ack.outcome : 'conflict';
      const c = counts.get(`${kind}\u0000${outcome}`);
      if (c) c.n++;
      else counts.set(`${kind}\u0000${outcome}`, { kind, outcome, n: 1 });
    });
    for (const c of counts.values()) this.metrics.intakeItems.inc({ kind: c.kind, outcome: c.outcome }, c.n);
  }

  /** The item if it belongs to `mallMspId`; an item of another mall is answered as unknown (IDs do not leak). */
  async status(trackingId: string, mallMspId: string): Promise<IntakeStatusView> {
    const rows = await this.ds.query<IntakeStatusRow[]>(STATUS_SQL, [trackingId, this.config.mallMspId, mallMspId]);
    const r = rows[0];
    if (!r) throw new NotFoundError('intake item', trackingId);
    return toIntakeStatusView(r);
  }
}
