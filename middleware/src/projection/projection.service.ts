import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { LEDGER, type LedgerCheckpoint, type LedgerEvent, type LedgerPort } from '../ledger/ledger.port';
import { EventBatcher } from './event-batcher';
import { MetricsService } from '../metrics/metrics.service';
import { LIVE_PROJECTION } from './projection.types';
import { ProjectorRegistry } from './projector-registry';
import { Projector } from './projector';
import { QuarantineStore } from './quarantine.store';

export interface ProjectionStatus {
  readonly running: boolean;
  readonly checkpoint: { blockNumber: string; txId: string } | null;
  readonly lagBlocks: number;
  readonly lastError: string | null;
  /** Events parked in the quarantine (status `parked`): the read model lacks their changes. */
  readonly quarantined: number;
}

const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 10_000;
/** Most events per read-model transaction. */
const MAX_BATCH = 500;

/**
 * Keeps the live read model in step with the ledger: listens to chaincode events from the
 * checkpoint in Postgres and applies them in batches (many events per transaction, see
 * {@link EventBatcher}) through the {@link Projector}. When the listener fails (peer restart,
 * projection error), it starts again from the stored checkpoint.
 */
@Injectable()
export class ProjectionService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly #logger = new Logger('Projection');
  readonly projector: Projector;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #running = false;
  #lastError: string | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    registry: ProjectorRegistry,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly quarantine: QuarantineStore,
  ) {
    this.projector = new Projector(ds, registry, {
      maxEventBytes: config.projectionMaxEventBytes,
      onQuarantined: (parked) => {
        this.#logger.error(`${parked.length.toString()} event(s) quarantined; see GET /v1/admin/projection/quarantine`);
      },
    });
    metrics.setQuarantinedSource(() => quarantine.countParked());
  }

  onApplicationBootstrap(): void {
    if (this.config.workersEnabled) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.#abort) return;
    this.#abort = new AbortController();
    this.#loop = this.#run(this.#abort.signal);
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#loop;
    this.#abort = undefined;
  }

  async checkpoint(schema = 'public'): Promise<LedgerCheckpoint | undefined> {
    const rows = await this.ds.query<{ b: string; tx_id: string }[]>(
      `SELECT block_number::text AS b, tx_id FROM "${schema}".projection_checkpoint WHERE name = $1`,
      [LIVE_PROJECTION],
    );
    const r = rows[0];
    return r ? { blockNumber: BigInt(r.b), txId: r.tx_id } : undefined;
  }

  async status(): Promise<ProjectionStatus> {
    const cp = await this.checkpoint();
    return {
      running: this.#running,
      checkpoint: cp ? { blockNumber: cp.blockNumber.toString(), txId: cp.txId ?? '' } : null,
      lagBlocks: this.metrics.lagBlocks,
      lastError: this.#lastError,
      quarantined: await this.quarantine.countParked(),
    };
  }

  async #run(signal: AbortSignal): Promise<void> {
    let delay = RECONNECT_MIN_MS;
    while (!signal.aborted) {
      try {
        await this.#listenOnce(signal);
        delay = RECONNECT_MIN_MS;
      } catch (e) {
        this.#lastError = e instanceof Error ? e.message : String(e);
        this.#logger.warn(`listener stopped, resuming from checkpoint in ${delay} ms: ${this.#lastError}`);
      }
      this.#running = false;
      await sleep(delay, signal);
      delay = Math.min(RECONNECT_MAX_MS, delay * 2);
    }
  }

  /** Whether the listener loop is started (it may be between reconnects). */
  get started(): boolean {
    return this.#abort !== undefined;
  }

  /** One listening session from the stored checkpoint; returns when stopped, throws when a batch failed. */
  async #listenOnce(signal: AbortSignal): Promise<void> {
    const stream = new AbortController();
    const stop = (): void => {
      stream.abort();
    };
    signal.addEventListener('abort', stop, { once: true });
    const batcher = new EventBatcher((events) => this.#applyBatch(events), MAX_BATCH, stop);
    try {
      const cp = await this.checkpoint();
      if (cp) this.metrics.observeCheckpoint(Number(cp.blockNumber));
      this.#running = true;
      // From the checkpoint's block, skipping what was already applied in it; from block 0 the first time.
      await this.ledger.chaincodeEvents(cp?.blockNumber ?? 0n, (e) => batcher.push(e), stream.signal, cp);
      // Stopping: write what was already taken. A failed batch ended the stream: rethrow its error.
      await batcher.flush();
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  async #applyBatch(events: readonly LedgerEvent[]): Promise<void> {
    const last = events.at(-1);
    if (!last) return;
    await this.projector.apply(events);
    this.#lastError = null;
    this.metrics.observeCheckpoint(Number(last.blockNumber));
    await this.#observeCommitToCache(events.map((e) => e.txId)).catch((e: unknown) => {
      this.#logger.debug(`commit-to-cache metric not observed: ${String(e)}`);
    });
  }

  /** Seconds from the batcher recording a commit to the read model holding it, per item of the batch. */
  async #observeCommitToCache(txIds: readonly string[]): Promise<void> {
    const rows = await this.ds.query<{ s: string }[]>(
      `SELECT extract(epoch from (clock_timestamp() - committed_at)) AS s FROM intake_items
       WHERE tx_id = ANY($1::text[]) AND committed_at IS NOT NULL`,
      [txIds],
    );
    for (const r of rows) this.metrics.commitToCache.observe(Math.max(0, Number(r.s)));
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
