import { Logger } from '@nestjs/common';
import {
  ChaincodeRejectedError,
  MvccConflictError,
  TransactionInvalidError,
  type LedgerPort,
  type SubmitResult,
} from '../ledger/ledger.port';
import type { BatcherConfig } from '../config/app-config';
import type { MetricsService } from '../metrics/metrics.service';
import { Coalescer } from './coalescer';
import type { ClaimedItem, Committed, Failed, OutboxStore, Retry, SentTx } from './outbox.store';
import { planRecovery } from './tx-recovery';

/** Exponential back-off: `base * 2^(attempt-1)`, capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
}

type Outcome =
  { kind: 'committed'; value: Committed } | { kind: 'failed'; value: Failed } | { kind: 'retry'; value: Retry };

/**
 * Drains the outbox: claims batches (size/wait from configuration), submits each item to the
 * ledger, and records the outcome per item in one transaction. Chaincode rejections are
 * permanent (dead letter with the chaincode's code and reason); everything else is retried
 * with back-off until `maxAttempts`.
 */
export class OutboxBatcher {
  readonly #logger = new Logger('OutboxBatcher');
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** Transaction IDs about to be sent, written to Postgres together (one UPDATE per group of concurrent sends). */
  readonly #recorder: Coalescer<SentTx>;

  constructor(
    private readonly store: OutboxStore,
    private readonly ledger: LedgerPort,
    private readonly config: BatcherConfig,
    private readonly metrics: MetricsService,
  ) {
    this.#recorder = new Coalescer(
      (list) => store.recordSent(list),
      (t) => new Error(`item ${t.trackingId} is no longer pending; transaction ${t.txId} not sent`),
    );
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  /** New rows were accepted: look now instead of at the next poll. */
  notify(): void {
    this.#wake?.();
  }

  /** One claim-submit-settle round; returns how long to wait before the next. Exposed for tests. */
  async tick(): Promise<number> {
    const { items, waitMs } = await this.store.claim(this.config.size, this.config.waitMs, this.config.leaseMs);
    if (items.length === 0) return waitMs;
    const outcomes = await this.#submitAll(items);
    const committed: Committed[] = [];
    const failed: Failed[] = [];
    const retries: Retry[] = [];
    for (const o of outcomes) {
      if (o.kind === 'committed') committed.push(o.value);
      else if (o.kind === 'failed') failed.push(o.value);
      else retries.push(o.value);
    }
    await this.store.settle(committed, failed, retries);
    for (const c of committed) this.metrics.observeCommittedBlock(Number(c.blockNumber));
    for (const o of outcomes) this.metrics.outboxSettled.inc({ result: o.kind });
    return 0;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let delay: number;
      try {
        delay = await this.tick();
      } catch (e) {
        this.#logger.error(`outbox round failed: ${String(e)}`);
        delay = this.config.backoffMs;
      }
      if (delay > 0) await this.#sleep(delay);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  async #submitAll(items: readonly ClaimedItem[]): Promise<Outcome[]> {
    const out: Outcome[] = new Array<Outcome>(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const i = next++;
        const item = items[i];
        if (item !== undefined) out[i] = await this.#submitOne(item);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.concurrency, items.length) }, worker));
    return out;
  }

  async #submitOne(item: ClaimedItem): Promise<Outcome> {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const outcome = await this.#carry(item);
      this.metrics.submitLatency.observe({ outcome: outcome.kind === 'committed' ? 'committed' : 'error' }, seconds());
      return outcome;
    } catch (e) {
      return this.#failure(item, e, seconds());
    }
  }

  /**
   * An item sent before (by this process or one that died) is looked up first: found VALID it is done, unknown it
   * is sent again as the same signed transaction when that is kept, otherwise as a new one.
   */
  async #carry(item: ClaimedItem): Promise<Outcome> {
    const { sent } = item;
    const status = sent.txId === null ? undefined : await this.ledger.txStatus(sent.txId);
    const step = planRecovery(sent, status, {
      canResend: this.ledger.resubmit !== undefined,
      now: new Date(),
      graceMs: this.config.leaseMs,
      retryMs: this.config.maxBackoffMs,
    });
    if (step.action !== 'submit')
      this.#logger.log(`item ${item.trackingId} sent before as ${sent.txId ?? '?'}: ${step.action}`);
    if (step.action === 'committed') return committed(item, step.txId, step.blockNumber);
    if (step.action === 'wait')
      return { kind: 'retry', value: { item, reason: step.reason, delayMs: step.retryInMs, wait: true } };
    if (step.action === 'resend') {
      const again = await this.#resend(step.envelope);
      if (again !== undefined) return committed(item, again.txId, again.blockNumber);
    }
    const r = await this.ledger.submit(item.fn, item.args, {
      beforeSend: (tx) =>
        this.#recorder.add({ trackingId: item.trackingId, txId: tx.txId, envelope: tx.envelope ?? null }),
    });
    return committed(item, r.txId, r.blockNumber);
  }

  /** The same transaction again; `undefined` when the ledger invalidated it (then a new one is needed). */
  async #resend(envelope: Uint8Array): Promise<SubmitResult | undefined> {
    try {
      return await this.ledger.resubmit?.(envelope);
    } catch (e) {
      if (e instanceof MvccConflictError || e instanceof TransactionInvalidError) return undefined;
      throw e;
    }
  }

  #failure(item: ClaimedItem, e: unknown, seconds: number): Outcome {
    if (e instanceof ChaincodeRejectedError) {
      this.metrics.submitLatency.observe({ outcome: 'rejected' }, seconds);
      return { kind: 'failed', value: { item, code: e.code, reason: e.reason } };
    }
    this.metrics.submitLatency.observe({ outcome: 'error' }, seconds);
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const attempt = item.attempts + 1;
    if (attempt >= this.config.maxAttempts) {
      return {
        kind: 'failed',
        value: { item, code: 'RETRIES_EXHAUSTED', reason: `after ${attempt} attempts: ${reason}` },
      };
    }
    const delayMs = backoffDelay(attempt, this.config.backoffMs, this.config.maxBackoffMs);
    return { kind: 'retry', value: { item, reason, delayMs } };
  }
}

function committed(item: ClaimedItem, txId: string, blockNumber: bigint): Outcome {
  return { kind: 'committed', value: { item, txId, blockNumber } };
}
