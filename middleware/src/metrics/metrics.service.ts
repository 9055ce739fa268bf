import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The middleware's Prometheus metrics, on a registry of its own (several apps can live in one
 * process in tests). Gauges that need the database are refreshed by their owners.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly intakeItems = this.#counter(
    'mallchain_intake_items_total',
    'Items received by the intake, by kind and outcome (accepted, duplicate, conflict)',
    ['kind', 'outcome'],
  );

  readonly intakeGroupSize = this.#histogram(
    'mallchain_intake_group_size',
    'Items written per Postgres transaction by the group-commit writer',
    [1, 2, 5, 10, 20, 50, 100, 200, 500],
  );

  /** Read at scrape time from whoever owns the outbox (see {@link setOutboxDepthSource}). */
  #outboxDepthSource: (() => Promise<number>) | undefined;

  readonly outboxDepth: Gauge = new Gauge({
    name: 'mallchain_outbox_depth',
    help: 'Outbox rows not yet settled on the ledger',
    registers: [this.registry],
    collect: async (): Promise<void> => {
      if (this.#outboxDepthSource) this.outboxDepth.set(await this.#outboxDepthSource());
    },
  });

  /** Read at scrape time from the intake (see {@link setIntakeStalledSource}). */
  #intakeStalledSource: (() => Promise<number>) | undefined;

  readonly intakeStalled: Gauge = new Gauge({
    name: 'mallchain_intake_stalled_items',
    help: 'Items still pending longer than INTAKE_STALLED_AFTER_MS after they were accepted',
    registers: [this.registry],
    collect: async (): Promise<void> => {
      if (this.#intakeStalledSource) this.intakeStalled.set(await this.#intakeStalledSource());
    },
  });

  readonly submitLatency = this.#histogram(
    'mallchain_ledger_submit_seconds',
    'Ledger submit (endorse, order, commit) latency by outcome',
    [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    ['outcome'],
  );

  readonly outboxSettled = this.#counter(
    'mallchain_outbox_settled_total',
    'Outbox items settled, by result (committed, dead, retry, refused: lease taken over, corrected: dead found committed)',
    ['result'],
  );

  readonly projectionLag = this.#gauge(
    'mallchain_projection_lag_blocks',
    'Blocks between the newest commit seen by this middleware and the projection checkpoint',
  );

  readonly projectionBlock = this.#gauge(
    'mallchain_projection_checkpoint_block',
    'Block number of the last projected event',
  );

  /** Read at scrape time from the quarantine (see {@link setQuarantinedSource}). */
  #quarantinedSource: (() => Promise<number>) | undefined;

  readonly projectionQuarantined: Gauge = new Gauge({
    name: 'mallchain_projection_quarantined_events',
    help: 'Chaincode events parked in the projection quarantine (status parked), waiting for an admin',
    registers: [this.registry],
    collect: async (): Promise<void> => {
      if (this.#quarantinedSource) this.projectionQuarantined.set(await this.#quarantinedSource());
    },
  });

  readonly commitToCache = this.#histogram(
    'mallchain_commit_to_cache_seconds',
    'Time from a submit being reported committed to its changes being in the read model',
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
  );

  readonly webhookDeliveries = this.#counter(
    'mallchain_webhook_deliveries_total',
    'Webhook delivery attempts by result (ok, failed)',
    ['result'],
  );

  readonly webhookPaused = this.#counter(
    'mallchain_webhook_paused_total',
    'Subscriptions paused after WEBHOOK_MAX_ATTEMPTS consecutive failed deliveries',
    [],
  );

  readonly httpDuration = this.#histogram(
    'mallchain_http_request_duration_seconds',
    'HTTP request duration by method, route and status',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    ['method', 'route', 'status'],
  );

  /** Highest block this middleware knows to be committed (from its own submits or events). */
  #ledgerHeight = -1;
  #checkpoint = -1;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mallchain_' });
  }

  setOutboxDepthSource(source: () => Promise<number>): void {
    this.#outboxDepthSource = source;
  }

  setIntakeStalledSource(source: () => Promise<number>): void {
    this.#intakeStalledSource = source;
  }

  setQuarantinedSource(source: () => Promise<number>): void {
    this.#quarantinedSource = source;
  }

  observeCommittedBlock(block: number): void {
    if (block > this.#ledgerHeight) this.#ledgerHeight = block;
    this.#updateLag();
  }

  observeCheckpoint(block: number): void {
    this.#checkpoint = block;
    this.projectionBlock.set(block);
    this.observeCommittedBlock(block);
  }

  /** Blocks the read model is behind the newest known commit. */
  get lagBlocks(): number {
    return Math.max(0, this.#ledgerHeight - this.#checkpoint);
  }

  #updateLag(): void {
    this.projectionLag.set(this.lagBlocks);
  }

  // Every metric registers on this service's own registry, never prom-client's global one.
  #counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  #histogram<L extends string = never>(
    name: string,
    help: string,
    buckets: number[],
    labelNames: readonly L[] = [],
  ): Histogram<L> {
    return new Histogram({ name, help, buckets, labelNames, registers: [this.registry] });
  }

  #gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }
}
