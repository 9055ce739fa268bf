import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { LEDGER, type LedgerCheckpoint, type LedgerEvent, type LedgerPort } from '../ledger/ledger.port';
import { MetricsService } from '../metrics/metrics.service';
import { LIVE_PROJECTION } from './projection.types';
import { ProjectorRegistry } from './projector-registry';
import { Projector } from './projector';

export interface ProjectionStatus {
  readonly running: boolean;
  readonly checkpoint: { blockNumber: string; txId: string } | null;
  readonly lagBlocks: number;
  readonly lastError: string | null;
}

const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 10_000;

/**
 * Keeps the live read model in step with the ledger: listens to chaincode events from the
 * checkpoint in Postgres and applies each through the {@link Projector}. When the listener
 * fails (peer restart, projection error), it starts again from the stored checkpoint.
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
  ) {
    this.projector = new Projector(ds, registry);
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
    };
  }

  async #run(signal: AbortSignal): Promise<void> {
    let delay = RECONNECT_MIN_MS;
    while (!signal.aborted) {
      try {
        const cp = await this.checkpoint();
        if (cp) this.metrics.observeCheckpoint(Number(cp.blockNumber));
        this.#running = true;
        // From the checkpoint's block, skipping what was already applied in it; from block 0 the first time.
        await this.ledger.chaincodeEvents(cp?.blockNumber ?? 0n, (e) => this.#onEvent(e), signal, cp);
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

  async #onEvent(e: LedgerEvent): Promise<void> {
    await this.projector.apply(e);
    this.#lastError = null;
    this.metrics.observeCheckpoint(Number(e.blockNumber));
    await this.#observeCommitToCache(e.txId);
  }

  async #observeCommitToCache(txId: string): Promise<void> {
    const rows = await this.ds.query<{ s: string }[]>(
      `SELECT extract(epoch from (now() - committed_at)) AS s FROM intake_items WHERE tx_id = $1 AND committed_at IS NOT NULL LIMIT 1`,
      [txId],
    );
    const s = rows[0]?.s;
    if (s !== undefined) this.metrics.commitToCache.observe(Math.max(0, Number(s)));
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
