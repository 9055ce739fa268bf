import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The middleware's Prometheus metrics, on a registry of its own (several apps can live in one
 * process in tests). Gauges that need the database are refreshed by their owners.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly intakeItems = new Counter({
    name: 'mallchain_intake_items_total',
    help: 'Items received by the intake, by kind and outcome (accepted, duplicate, conflict)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly intakeGroupSize = new Histogram({
    name: 'mallchain_intake_group_size',
    help: 'Items written per Postgres transaction by the group-commit writer',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });

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

  readonly submitLatency = new Histogram({
    name: 'mallchain_ledger_submit_seconds',
    help: 'Ledger submit (endorse, order, commit) latency by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });

  readonly outboxSettled = new Counter({
    name: 'mallchain_outbox_settled_total',
    help: 'Outbox items settled, by result (committed, dead, retry)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly projectionLag = new Gauge({
    name: 'mallchain_projection_lag_blocks',
    help: 'Blocks between the newest commit seen by this middleware and the projection checkpoint',
    registers: [this.registry],
  });

  readonly projectionBlock = new Gauge({
    name: 'mallchain_projection_checkpoint_block',
    help: 'Block number of the last projected event',
    registers: [this.registry],
  });

  readonly commitToCache = new Histogram({
    name: 'mallchain_commit_to_cache_seconds',
    help: 'Time from a submit being reported committed to its changes being in the read model',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'mallchain_webhook_deliveries_total',
    help: 'Webhook delivery attempts by result (ok, failed)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'mallchain_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  /** Highest block this middleware knows to be committed (from its own submits or events). */
  #ledgerHeight = -1;
  #checkpoint = -1;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mallchain_' });
  }

  setOutboxDepthSource(source: () => Promise<number>): void {
    this.#outboxDepthSource = source;
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
}
