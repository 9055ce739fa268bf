import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { backoffDelay } from '../common/backoff';
import { AppConfig } from '../config/app-config';
import { LedgerFunctions } from '../ledger/ledger-functions';
import {
  ChaincodeRejectedError,
  LEDGER,
  MvccConflictError,
  TransactionInvalidError,
  TransactionPendingError,
  type LedgerPort,
} from '../ledger/ledger.port';
import { MetricsService } from '../metrics/metrics.service';
import { BatchCarrier } from './batch-carrier';
import { Coalescer } from './coalescer';
import { KeyOrder, lanes } from './key-order';
import { LeaseKeeper } from './lease-keeper';
import {
  OutboxStore,
  type ClaimedItem,
  type DeadCursor,
  type DeadWithTx,
  type Outcome,
  type SentTx,
} from './outbox.store';
import { planRecovery } from './tx-recovery';

/** Dead items read per page while looking them up again on the ledger (a commit seen later wins). */
const DEAD_RECHECK_PAGE = 100;

/**
 * Drains the outbox: claims batches under a fenced lease, submits each item, and settles each item as soon as its
 * own transaction finished (outcomes that finish together share one Postgres transaction). Only a chaincode
 * rejection is terminal, and only after the item's recorded transactions were looked up on the ledger; any other
 * failure is retried with capped back-off for as long as it takes (an item pending past `stalledAfterMs` is
 * reported stalled). See docs/middleware.md, "Intake state machine".
 */
@Injectable()
export class OutboxBatcher {
  readonly #logger = new Logger('OutboxBatcher');
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #nextRecheck = 0;
  /** Ledger calls (an item alone, or a batch call) being submitted or settled, across claims. */
  #inflight = 0;
  /** Items per ledger call in the last claim (see #claimSize). */
  #itemsPerUnit = 1;
  readonly #claims = new Set<Promise<void>>();
  #awaitingSlots = false;
  /** Transaction IDs about to be sent, written to Postgres together (one UPDATE per group of concurrent sends). */
  readonly #recorder: Coalescer<SentTx>;
  /** Outcomes, settled together when they finish together. */
  readonly #settler: Coalescer<Outcome>;

  constructor(
    private readonly store: OutboxStore,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly appConfig: AppConfig,
    private readonly metrics: MetricsService,
    private readonly functions: LedgerFunctions,
    private readonly carrier: BatchCarrier,
  ) {
    this.#recorder = new Coalescer(
      (list) => store.recordSent(list),
      (t) => new Error(`item ${t.trackingId} is no longer held by this batcher; transaction ${t.txId} not sent`),
    );
    this.#settler = new Coalescer(
      (list) => store.settle(list, this.config.stalledAfterMs),
      (o) => new Error(`item ${o.item.trackingId} is no longer held by this batcher; its ${o.kind} was not recorded`),
    );
  }

  get config(): AppConfig['batcher'] {
    return this.appConfig.batcher;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops claiming, and waits for the items in flight to be settled. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    await Promise.all(this.#claims);
  }

  /** New rows were accepted: look now instead of at the next poll. */
  notify(): void {
    this.#wake?.();
  }

  /** One claim of up to `size` rows, submitted and settled; returns how long to wait before the next. For tests. */
  async tick(): Promise<number> {
    const { waitMs, done } = await this.#claimAndStart(this.config.size);
    await done;
    return waitMs;
  }

  /** Dead items whose transaction turns up committed on the ledger become committed. Exposed for tests. */
  async recheckDead(): Promise<number> {
    let corrected = 0;
    let cursor: DeadCursor | undefined;
    // Every dead item with a recorded transaction, page by page (not only the first page).
    for (;;) {
      const page = await this.store.deadWithTx(cursor, DEAD_RECHECK_PAGE);
      for (const d of page) corrected += (await this.#recheckOne(d)) ? 1 : 0;
      cursor = page.at(-1);
      if (page.length < DEAD_RECHECK_PAGE) return corrected;
    }
  }

  /** Items pending past `INTAKE_STALLED_AFTER_MS`, claimed or waiting, reported stalled once each. For tests. */
  sweepStalled(): Promise<number> {
    return this.store.markStalled(this.config.stalledAfterMs);
  }

  async #recheckOne(d: DeadWithTx): Promise<boolean> {
    const status = await this.ledger.txStatus(d.txId).catch(() => undefined);
    if (status?.found !== true || status.validationCode !== 'VALID' || status.blockNumber === undefined) return false;
    if (!(await this.store.correctDead(d.trackingId, d.txId, status.blockNumber))) return false;
    this.#logger.warn(`dead item ${d.trackingId} found committed as ${d.txId}: corrected to committed`);
    this.metrics.outboxSettled.inc({ result: 'corrected' });
    return true;
  }

  /**
   * Claims whenever a submit slot is free (at most `concurrency` items in flight, across claims): an item that
   * takes long holds one slot, never the next batch.
   */
  async #run(): Promise<void> {
    while (this.#running) {
      let delay = 0;
      try {
        if (Date.now() >= this.#nextRecheck) {
          this.#nextRecheck = Date.now() + Math.max(1000, this.config.maxBackoffMs);
          await this.sweepStalled();
          await this.recheckDead();
        }
        const free = this.config.concurrency - this.#inflight;
        this.#awaitingSlots = free < this.#slotThreshold;
        if (this.#awaitingSlots) delay = this.config.maxBackoffMs;
        else delay = (await this.#claimAndStart(this.#claimSize(free))).waitMs;
      } catch (e) {
        this.#logger.error(`outbox round failed: ${String(e)}`);
        delay = this.config.backoffMs;
      }
      if (delay > 0) await this.#sleep(delay);
    }
  }

  /**
   * Items to claim for `free` slots: a slot carries one ledger call, and a batch call carries many items, so a claim
   * asks for free × items per call (`#itemsPerUnit`, from the last claim: see {@link itemsPerCall}; 1 to start and
   * for items that do not batch), at most `BATCH_SIZE`. Claiming one item per slot left batch calls at half their
   * size and made the claims the bottleneck (bench:pos).
   */
  #claimSize(free: number): number {
    return Math.max(1, Math.min(this.config.size, Math.round(free * this.#itemsPerUnit)));
  }

  /** Free submit slots worth a claim: half a batch (or of the concurrency, if smaller), at least one. */
  get #slotThreshold(): number {
    return Math.max(1, Math.floor(Math.min(this.config.size, this.config.concurrency) / 2));
  }

  #sleep(ms: number): Promise<void> {
    // stop() may have come between the loop's check and this sleep: do not make it wait a whole back-off.
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  /** Claims up to `max` rows under a new token and starts submitting each at once; `done` when all are settled. */
  async #claimAndStart(max: number): Promise<{ waitMs: number; done: Promise<void> }> {
    const token = randomUUID();
    const { items, waitMs } = await this.store.claim(
      max,
      this.config.waitMs,
      this.config.leaseMs,
      token,
      this.config.keyRunMax,
    );
    if (items.length === 0) return { waitMs, done: Promise.resolve() };
    // A slot per ledger call, not per item: a batch call of 100 accruals holds one slot, so claims go on while it
    // is in flight. Units that share an ordering key go one after the other (a lane); the others at once. A claim
    // sized for full calls can give more calls than there are free slots (items that do not batch): whole lanes
    // beyond the free slots go back unsent, before anything is started or kept alive (if the give-back fails, the
    // claim is dropped and its rows come back when their lease runs out), so calls stay within the limit.
    const units = this.carrier.units(items);
    const free = this.config.concurrency - this.#inflight;
    this.#itemsPerUnit = itemsPerCall(
      { asked: max, units: units.map((u) => u.length), free },
      this.config.callMaxItems,
    );
    const { start, back } = fitLanes(lanes(units), free);
    if (back.length > 0)
      await this.store.unclaim(
        back.flat(2).map((i) => i.trackingId),
        token,
      );
    const lease = new LeaseKeeper(
      this.store,
      start.flat(2).map((i) => i.trackingId),
      token,
      this.config.leaseMs,
    );
    this.#inflight += start.reduce((n, lane) => n + lane.length, 0);
    const order = new KeyOrder();
    const carryLane = async (lane: readonly ClaimedItem[][]): Promise<void> => {
      for (const unit of lane) await this.#carryAndSettle(unit, lease, order);
    };
    const done = Promise.all(start.map(carryLane)).then(() => lease.stop());
    this.#claims.add(done);
    void done.finally(() => this.#claims.delete(done));
    return { waitMs: 0, done };
  }

  /** One item alone, or a unit the carrier takes as one batch call (or as one recorded transaction). */
  async #carryAndSettle(unit: readonly ClaimedItem[], lease: LeaseKeeper, order: KeyOrder): Promise<void> {
    const settle = (outcome: Outcome): Promise<void> => {
      order.observe(outcome);
      return this.#settle(outcome, lease);
    };
    try {
      const { go, recorded } = await this.#holdBack(unit, order, settle);
      const [only] = go;
      if (go.length === 1 && only !== undefined && !recorded) await settle(await this.#submitOne(only));
      else if (go.length > 0)
        await this.carrier.carry(go, {
          single: (item, prior) => this.#submitOne(item, prior),
          settle,
          held: (item) => order.held(item),
        });
    } finally {
      this.#inflight--;
      // Woken only once enough slots are free for a worthwhile claim (not one claim per finished item).
      if (this.#awaitingSlots && this.config.concurrency - this.#inflight >= this.#slotThreshold) this.#wake?.();
    }
  }

  /**
   * Settles back to the queue, unsent, the items of a key whose earlier item did not commit in this claim; items sent
   * before as one transaction stay together (held back whole, looked up again next round). Returns the others.
   */
  async #holdBack(
    unit: readonly ClaimedItem[],
    order: KeyOrder,
    settle: (o: Outcome) => Promise<void>,
  ): Promise<{ go: ClaimedItem[]; recorded: boolean }> {
    const recorded = unit.length > 1 && unit[0]?.sent.txId != null;
    const holdAll = recorded && unit.some((i) => order.held(i));
    const go = unit.filter((i) => !holdAll && !order.held(i));
    const held = unit.filter((i) => !go.includes(i));
    await Promise.all(held.map((i) => settle(KeyOrder.heldBack(i, this.config.backoffMs))));
    return { go, recorded };
  }

  /** Settled as soon as known (head-of-line: one slow item does not hold the others of its batch). */
  async #settle(outcome: Outcome, lease: LeaseKeeper): Promise<void> {
    try {
      await this.#settler.add(outcome);
      lease.release(outcome.item.trackingId);
      if (outcome.kind === 'committed') this.metrics.observeCommittedBlock(Number(outcome.blockNumber));
      this.metrics.outboxSettled.inc({ result: outcome.kind });
    } catch (e) {
      // Taken over (or the database is away): the claim that holds the item now settles it.
      this.metrics.outboxSettled.inc({ result: 'refused' });
      this.#logger.warn(String(e));
    }
  }

  /**
   * `prior`: tx IDs recorded for the item in a batch call this round (the carrier looked them up, none VALID); they
   * are looked up again before a terminal decision. The item is then carried as unsent: its recorded transaction
   * is one of those, final and not VALID.
   */
  async #submitOne(claimed: ClaimedItem, prior: readonly string[] = []): Promise<Outcome> {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    const item = prior.length === 0 ? claimed : { ...claimed, sent: { txId: null, envelope: null, sentAt: null } };
    const sent: string[] = [...prior];
    if (item.sent.txId !== null) sent.push(item.sent.txId);
    try {
      const outcome = await this.#carry(item, sent);
      this.metrics.submitLatency.observe({ outcome: outcome.kind === 'committed' ? 'committed' : 'error' }, seconds());
      return outcome;
    } catch (e) {
      return this.#failure(item, e, seconds(), sent);
    }
  }

  /**
   * An item sent before (by this process or one that died) is looked up first: found VALID it is done, unknown it
   * is sent again as the same signed transaction when that is kept, otherwise as a new one. `sent` collects every
   * transaction ID recorded for the item, for the look-up before a terminal decision.
   */
  async #carry(item: ClaimedItem, sent: string[]): Promise<Outcome> {
    const refusal = this.functions.refusal(item.fn, this.appConfig.ledger.driver);
    if (refusal !== undefined) return retry(item, refusal, this.config.maxBackoffMs);
    const recorded = item.sent;
    const status = recorded.txId === null ? undefined : await this.ledger.txStatus(recorded.txId);
    const step = planRecovery(recorded, status, {
      canResend: this.ledger.resubmit !== undefined,
      now: new Date(),
      graceMs: this.config.leaseMs,
      retryMs: this.config.maxBackoffMs,
    });
    if (step.action !== 'submit')
      this.#logger.log(`item ${item.trackingId} sent before as ${recorded.txId ?? '?'}: ${step.action}`);
    if (step.action === 'committed') return committed(item, step.txId, step.blockNumber);
    if (step.action === 'wait')
      return { kind: 'retry', item, reason: step.reason, delayMs: step.retryInMs, wait: true };
    if (step.action === 'resend') {
      const again = await this.#resend(item, step.envelope);
      if (again !== undefined) return again;
    }
    const r = await this.ledger.submit(item.fn, item.args, {
      beforeSend: async (tx) => {
        await this.#recorder.add({
          trackingId: item.trackingId,
          token: item.token,
          txId: tx.txId,
          envelope: tx.envelope ?? null,
        });
        sent.push(tx.txId);
      },
    });
    return committed(item, r.txId, r.blockNumber);
  }

  /**
   * The same transaction again; `undefined` when the ledger invalidated it (then a new one is needed). An earlier
   * copy that was ordered (`DUPLICATE_TXID`) but is not found yet keeps the item pending: it is looked up again later
   * and never replaced by a new transaction, which would land twice if that copy was VALID.
   */
  async #resend(item: ClaimedItem, envelope: Uint8Array): Promise<Outcome | undefined> {
    try {
      const r = await this.ledger.resubmit?.(envelope);
      return r && committed(item, r.txId, r.blockNumber);
    } catch (e) {
      const duplicate = e instanceof TransactionInvalidError && e.validationCode === 'DUPLICATE_TXID';
      if (e instanceof TransactionPendingError || duplicate) {
        return { kind: 'retry', item, reason: e.message, delayMs: this.config.maxBackoffMs, wait: true };
      }
      if (e instanceof MvccConflictError || e instanceof TransactionInvalidError) return undefined;
      throw e;
    }
  }

  async #failure(item: ClaimedItem, e: unknown, seconds: number, sent: readonly string[]): Promise<Outcome> {
    if (e instanceof ChaincodeRejectedError) {
      this.metrics.submitLatency.observe({ outcome: 'rejected' }, seconds);
      return this.#beforeDead(item, e, sent);
    }
    this.metrics.submitLatency.observe({ outcome: 'error' }, seconds);
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return retry(item, reason, backoffDelay(item.attempts + 1, this.config));
  }

  /**
   * A chaincode rejection is terminal, but an earlier transaction of the item may have committed meanwhile (its
   * answer lost): every recorded transaction is looked up first; one found VALID wins, an unanswered look-up is
   * retried, never turned into `dead`.
   */
  async #beforeDead(item: ClaimedItem, e: ChaincodeRejectedError, sent: readonly string[]): Promise<Outcome> {
    for (const txId of new Set(sent)) {
      let status;
      try {
        status = await this.ledger.txStatus(txId);
      } catch (lookup) {
        const why = `rejected (${e.code}) but transaction ${txId} could not be looked up: ${String(lookup)}`;
        return retry(item, why, backoffDelay(item.attempts + 1, this.config));
      }
      if (status.found && status.validationCode === 'VALID' && status.blockNumber !== undefined)
        return committed(item, txId, status.blockNumber);
    }
    const release = this.functions.releases(item.fn, e.code);
    return { kind: 'dead', item, code: e.code, reason: e.reason, ...(release ? { release } : {}) };
  }
}

function committed(item: ClaimedItem, txId: string, blockNumber: bigint): Outcome {
  return { kind: 'committed', item, txId, blockNumber };
}

function retry(item: ClaimedItem, reason: string, delayMs: number): Outcome {
  return { kind: 'retry', item, reason, delayMs };
}

/**
 * Items per ledger call to expect from the next claim, given the last one: the sizes of the calls (`units`) it made
 * of the items it got, what it `asked` for and the slots that were `free`. When the claim was cut by its own size
 * (it got all it asked) and made no more calls than there were free slots, the calls' size was set by the cut, not
 * by the queue: the largest call shows what a call can hold (the average would settle on a full call plus a
 * partial one for good, e.g. 144 items as 100 + 44 with two slots). Otherwise (the queue ran short, or items that
 * do not batch made more calls than slots, given back) the average. Between 1 and `callMax`.
 */
export function itemsPerCall(
  last: { readonly asked: number; readonly units: readonly number[]; readonly free: number },
  callMax: number,
): number {
  const { asked, units, free } = last;
  if (units.length === 0) return 1;
  const got = units.reduce((a, b) => a + b, 0);
  const average = got / units.length;
  const cut = got >= asked && units.length <= free;
  const estimate = cut ? Math.max(average, ...units) : average;
  return Math.min(callMax, Math.max(1, estimate));
}

/**
 * What a claim starts with `free` submit slots (a unit counts one, as before): whole lanes in claim order while they
 * fit, and always the first; the others go back. Never part of a lane: a lane's units share ordering keys, and a
 * given-back tail could be claimed elsewhere while an earlier unit of its lane is in flight.
 */
export function fitLanes(
  all: readonly ClaimedItem[][][],
  free: number,
): { start: ClaimedItem[][][]; back: ClaimedItem[][][] } {
  const start: ClaimedItem[][][] = [];
  const back: ClaimedItem[][][] = [];
  let used = 0;
  for (const lane of all) {
    if (start.length === 0 || used + lane.length <= free) {
      start.push(lane);
      used += lane.length;
    } else back.push(lane);
  }
  return { start, back };
}
