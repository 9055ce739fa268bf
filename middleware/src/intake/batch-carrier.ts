import { Inject, Injectable, Logger } from '@nestjs/common';
import { backoffDelay } from '../common/backoff';
import { AppConfig } from '../config/app-config';
import type { BatchCodec } from '../ledger/batch-codec';
import { LedgerFunctions } from '../ledger/ledger-functions';
import {
  ChaincodeRejectedError,
  LEDGER,
  MvccConflictError,
  TransactionInvalidError,
  TransactionPendingError,
  type LedgerPort,
  type SubmitResult,
} from '../ledger/ledger.port';
import { MetricsService } from '../metrics/metrics.service';
import { KeyOrder } from './key-order';
import { OutboxStore, type ClaimedItem, type Outcome } from './outbox.store';
import { planRecovery } from './tx-recovery';

/** What the batcher lends a group: the one-item path, and the settling of each outcome as soon as it is known. */
export interface GroupHooks {
  /** Carries one item alone through its own function; `prior` are tx IDs recorded for it and looked up already. */
  readonly single: (item: ClaimedItem, prior: readonly string[]) => Promise<Outcome>;
  readonly settle: (outcome: Outcome) => Promise<void>;
  /** Whether an item must not be sent now (an earlier item of its ordering key did not commit: {@link KeyOrder}). */
  readonly held?: (item: ClaimedItem) => boolean;
}

type Resent = SubmitResult | 'wait' | 'invalidated';

/**
 * Carries several claimed items as one chaincode call of their domain's batch form (see {@link BatchCodec}), and
 * items that were sent together (one recorded tx ID) as one group: one look-up, one re-send, settled together.
 *
 * A batch call is all or nothing. When the chaincode refuses it, nothing of it was ordered; the items are looked up
 * under every tx ID recorded for them (one found VALID is committed), then the refused item is isolated — by the
 * index the rejection names, or by halving — and carried alone, where its own rejection is its verdict (dead with
 * its code). The others go on in the remaining calls, in their queue order.
 */
@Injectable()
export class BatchCarrier {
  readonly #logger = new Logger('BatchCarrier');

  constructor(
    private readonly store: OutboxStore,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly appConfig: AppConfig,
    private readonly metrics: MetricsService,
    private readonly functions: LedgerFunctions,
  ) {}

  /**
   * Splits claimed items into units carried together: items recorded under one tx ID stay one unit; unsent items
   * of one batch codec and group key share calls of at most the codec's (and `BATCH_CALL_MAX_ITEMS`') size, in
   * claim (queue) order; every other item is a unit alone.
   */
  units(items: readonly ClaimedItem[]): ClaimedItem[][] {
    const units: ClaimedItem[][] = [];
    const byTx = new Map<string, ClaimedItem[]>();
    const fresh = new Map<string, { limit: number; items: ClaimedItem[] }>();
    for (const item of items) {
      if (item.sent.txId !== null) {
        append(byTx, item.sent.txId, item);
        continue;
      }
      const key = this.#batchKey(item);
      if (key === undefined) units.push([item]);
      else {
        const g = fresh.get(key.key) ?? { limit: key.limit, items: [] };
        g.items.push(item);
        fresh.set(key.key, g);
      }
    }
    units.push(...byTx.values());
    for (const g of fresh.values()) {
      for (let i = 0; i < g.items.length; i += g.limit) units.push(g.items.slice(i, i + g.limit));
    }
    return units;
  }

  /** Carries a unit of two or more items; every item's outcome goes to `hooks.settle`. */
  async carry(items: readonly ClaimedItem[], hooks: GroupHooks): Promise<void> {
    const sent = new Map(items.map((i) => [i.trackingId, i.sent.txId === null ? [] : [i.sent.txId]]));
    let outcomes: Outcome[] | undefined;
    try {
      outcomes = await this.#recover(items);
    } catch (e) {
      outcomes = this.#retryAll(items, e);
    }
    if (outcomes !== undefined) {
      await Promise.all(outcomes.map(hooks.settle));
      return;
    }
    await this.#send(items, sent, hooks);
  }

  #batchKey(item: ClaimedItem): { key: string; limit: number } | undefined {
    const codec = this.functions.codec(item.fn);
    const limit = Math.min(codec?.maxItems ?? 1, this.appConfig.batcher.callMaxItems);
    if (codec === undefined || limit < 2) return undefined;
    try {
      return { key: `${item.fn}\u0000${codec.groupKey(item.args)}`, limit };
    } catch {
      return undefined; // not decodable as a batch entry: carried alone, where the chaincode names what is wrong
    }
  }

  /**
   * Items sent before as one transaction: looked up once. `undefined` when a new call is needed (nothing recorded,
   * or the recorded transaction is final and not VALID, or its re-send was invalidated).
   */
  async #recover(items: readonly ClaimedItem[]): Promise<Outcome[] | undefined> {
    const first = items[0];
    if (first === undefined) return [];
    const refusal = this.functions.refusal(first.fn, this.appConfig.ledger.driver);
    if (refusal !== undefined) return items.map((i) => retry(i, refusal, this.config.maxBackoffMs));
    const recorded = first.sent;
    if (recorded.txId === null) return undefined;
    const step = planRecovery(recorded, await this.ledger.txStatus(recorded.txId), {
      canResend: this.ledger.resubmit !== undefined,
      now: new Date(),
      graceMs: this.config.leaseMs,
      retryMs: this.config.maxBackoffMs,
    });
    this.#logger.log(`${items.length} items sent before as ${recorded.txId}: ${step.action}`);
    if (step.action === 'committed') return items.map((i) => committed(i, step.txId, step.blockNumber));
    if (step.action === 'wait')
      return items.map((i) => ({ kind: 'retry', item: i, reason: step.reason, delayMs: step.retryInMs, wait: true }));
    if (step.action === 'submit') return undefined;
    const again = await this.#resend(step.envelope);
    if (again === 'invalidated') return undefined;
    if (again === 'wait') {
      const reason = `transaction ${step.txId} was ordered before and is not found yet`;
      return items.map((i) => ({ kind: 'retry', item: i, reason, delayMs: this.config.maxBackoffMs, wait: true }));
    }
    return items.map((i) => committed(i, again.txId, again.blockNumber));
  }

  /** As `OutboxBatcher`'s re-send: an ordered earlier copy (DUPLICATE_TXID, pending) is waited for, never replaced. */
  async #resend(envelope: Uint8Array): Promise<Resent> {
    try {
      const r = await this.ledger.resubmit?.(envelope);
      return r ?? 'invalidated';
    } catch (e) {
      const duplicate = e instanceof TransactionInvalidError && e.validationCode === 'DUPLICATE_TXID';
      if (e instanceof TransactionPendingError || duplicate) return 'wait';
      if (e instanceof MvccConflictError || e instanceof TransactionInvalidError) return 'invalidated';
      throw e;
    }
  }

  /** One batch call for `items` (two or more, unsent or sent as a final non-VALID transaction). */
  async #send(items: readonly ClaimedItem[], sent: Map<string, string[]>, hooks: GroupHooks): Promise<void> {
    const codec = this.functions.codec(items[0]?.fn ?? '');
    let call;
    try {
      if (codec === undefined) throw new Error(`no batch codec for ${items[0]?.fn ?? '?'}`);
      call = codec.encode(items.map((i) => i.args));
    } catch (e) {
      this.#logger.warn(`batch not encodable, carrying ${items.length} items alone: ${String(e)}`);
      await this.#oneByOne(items, sent, hooks);
      return;
    }
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const r = await this.ledger.submit(call.fn, call.args, {
        beforeSend: async (tx) => {
          const list = items.map((i) => ({
            trackingId: i.trackingId,
            token: i.token,
            txId: tx.txId,
            envelope: tx.envelope ?? null,
          }));
          if (!(await this.store.recordSentAll(list)))
            throw new Error(`a batch item is no longer held by this batcher; transaction ${tx.txId} not sent`);
          for (const i of items) sent.get(i.trackingId)?.push(tx.txId);
        },
      });
      this.metrics.submitLatency.observe({ outcome: 'committed' }, seconds());
      this.#checkAnswer(codec, r, items.length);
      await Promise.all(items.map((i) => hooks.settle(committed(i, r.txId, r.blockNumber))));
    } catch (e) {
      if (!(e instanceof ChaincodeRejectedError)) {
        this.metrics.submitLatency.observe({ outcome: 'error' }, seconds());
        await Promise.all(this.#retryAll(items, e).map(hooks.settle));
        return;
      }
      this.metrics.submitLatency.observe({ outcome: 'rejected' }, seconds());
      await this.#isolate(items, codec, e, sent, hooks);
    }
  }

  /** The answer should hold one entry per item; it committed either way, so a mismatch is only reported. */
  #checkAnswer(codec: BatchCodec, r: SubmitResult, n: number): void {
    try {
      codec.split(r.result, n);
    } catch (e) {
      this.#logger.error(`transaction ${r.txId} committed, but its answer does not split per item: ${String(e)}`);
    }
  }

  /**
   * A refused batch: first every tx ID recorded for its items is looked up (a VALID one settles its items; an
   * unanswered look-up retries all), then the rest is split and carried again, part after part in queue order (one
   * device's statements keep their order).
   */
  async #isolate(
    items: readonly ClaimedItem[],
    codec: BatchCodec,
    e: ChaincodeRejectedError,
    sent: Map<string, string[]>,
    hooks: GroupHooks,
  ): Promise<void> {
    let rest: ClaimedItem[];
    try {
      rest = await this.#settleFoundValid(items, sent, hooks);
    } catch (lookup) {
      const why = `batch rejected (${e.code}) but a recorded transaction could not be looked up: ${String(lookup)}`;
      await Promise.all(items.map((i) => hooks.settle(retry(i, why, backoffDelay(i.attempts + 1, this.config)))));
      return;
    }
    if (rest.length === 0) return;
    const parts = splitRefused(rest, codec.blame(e.reason, rest.length));
    this.#logger.log(
      `batch of ${rest.length} refused (${e.code}): carrying parts of ${parts.map((p) => p.length).join(' and ')}`,
    );
    for (const whole of parts) {
      const part = await this.#holdBack(whole, hooks);
      if (part.length === 1 && part[0] !== undefined)
        await hooks.settle(await hooks.single(part[0], sent.get(part[0].trackingId) ?? []));
      else if (part.length > 1) await this.#send(part, sent, hooks);
    }
  }

  /** Each item alone, one after the other: items of one ordering key keep their order. */
  async #oneByOne(items: readonly ClaimedItem[], sent: Map<string, string[]>, hooks: GroupHooks): Promise<void> {
    for (const i of await this.#holdBack(items, hooks))
      await hooks.settle(await hooks.single(i, sent.get(i.trackingId) ?? []));
  }

  /** Settles the items that must not be sent now back to the queue (unsent); returns the others. */
  async #holdBack(items: readonly ClaimedItem[], hooks: GroupHooks): Promise<ClaimedItem[]> {
    const go: ClaimedItem[] = [];
    for (const i of items) {
      if (hooks.held?.(i) === true) await hooks.settle(KeyOrder.heldBack(i, this.config.backoffMs));
      else go.push(i);
    }
    return go;
  }

  /** Settles the items whose recorded transaction is VALID on the ledger; returns the others. */
  async #settleFoundValid(
    items: readonly ClaimedItem[],
    sent: Map<string, string[]>,
    hooks: GroupHooks,
  ): Promise<ClaimedItem[]> {
    const ids = new Set(items.flatMap((i) => sent.get(i.trackingId) ?? []));
    const valid = new Map<string, bigint>();
    for (const txId of ids) {
      const s = await this.ledger.txStatus(txId);
      if (s.found && s.validationCode === 'VALID' && s.blockNumber !== undefined) valid.set(txId, s.blockNumber);
    }
    const rest: ClaimedItem[] = [];
    for (const item of items) {
      const txId = (sent.get(item.trackingId) ?? []).find((t) => valid.has(t));
      const block = txId === undefined ? undefined : valid.get(txId);
      if (txId === undefined || block === undefined) rest.push(item);
      else await hooks.settle(committed(item, txId, block));
    }
    return rest;
  }

  #retryAll(items: readonly ClaimedItem[], e: unknown): Outcome[] {
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return items.map((i) => retry(i, reason, backoffDelay(i.attempts + 1, this.config)));
  }

  get config(): AppConfig['batcher'] {
    return this.appConfig.batcher;
  }
}

/**
 * The parts a refused batch is carried again in: halves when no entry is named; the named entry first and the rest in
 * one call, unless an item before it shares its ordering key (then before, it, after: one key's order holds).
 */
export function splitRefused(rest: readonly ClaimedItem[], blamed: number | undefined): ClaimedItem[][] {
  if (blamed === undefined) {
    const half = Math.ceil(rest.length / 2);
    return [rest.slice(0, half), rest.slice(half)];
  }
  const key = rest[blamed]?.orderingKey ?? null;
  const before = rest.slice(0, blamed);
  if (key !== null && before.some((i) => i.orderingKey === key))
    return [before, rest.slice(blamed, blamed + 1), rest.slice(blamed + 1)];
  return [rest.slice(blamed, blamed + 1), rest.filter((_, i) => i !== blamed)];
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function committed(item: ClaimedItem, txId: string, blockNumber: bigint): Outcome {
  return { kind: 'committed', item, txId, blockNumber };
}

function retry(item: ClaimedItem, reason: string, delayMs: number): Outcome {
  return { kind: 'retry', item, reason, delayMs };
}
