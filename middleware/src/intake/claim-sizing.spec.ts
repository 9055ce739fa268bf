/**
 * How much one claim takes: enough items to fill a batch call per free submit slot once the queue is seen to batch,
 * one item per slot for items that do not; and the calls beyond the free slots go back unsent, in key order.
 */
import { AppConfig, BatcherConfig } from '../config/app-config';
import { ACCRUE_CODEC } from '../ledger/domain/points.ledger';
import { LedgerFunctions } from '../ledger/ledger-functions';
import type { LedgerPort, SubmitOptions, SubmitResult, TxStatus } from '../ledger/ledger.port';
import { MetricsService } from '../metrics/metrics.service';
import { BatchCarrier } from './batch-carrier';
import { OutboxBatcher, fitLanes, itemsPerCall } from './outbox.batcher';
import type { ClaimedItem, OutboxStore, Outcome, SentTx } from './outbox.store';

const NOTHING = { txId: null, envelope: null, sentAt: null };

function claimed(i: number, fn: 'points:Accrue' | 'info:PutNote', orderingKey: string | null = null): ClaimedItem {
  const arg =
    fn === 'points:Accrue'
      ? { amount: 10, member: `did:x:${i % 7}`, programId: 'p1', sourceRef: `r${i}` }
      : { id: `n${i}`, text: 'x' };
  return {
    outboxId: String(i),
    trackingId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    token: 't',
    kind: fn === 'points:Accrue' ? 'receipt' : 'note',
    naturalKey: `k${i}`,
    fn,
    args: [JSON.stringify(arg)],
    attempts: 0,
    createdAt: new Date('2026-12-01T00:00:00Z'),
    orderingKey,
    sent: NOTHING,
  };
}

/** Answers every call after `delayMs`, counting the calls in flight at once. */
class SlowLedger implements Partial<LedgerPort> {
  inFlight = 0;
  maxInFlight = 0;
  readonly calls: number[] = [];
  #n = 0;
  constructor(private readonly delayMs: number) {}

  async submit(fn: string, args: readonly string[], opts?: SubmitOptions): Promise<SubmitResult> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const arg = JSON.parse(args[0] ?? '{}') as { items?: unknown[] };
      this.calls.push(arg.items?.length ?? 1);
      const txId = `tx${++this.#n}`;
      await opts?.beforeSend?.({ txId });
      await new Promise((r) => setTimeout(r, this.delayMs));
      const result = fn === 'points:AccrueBatch' ? { results: arg.items } : {};
      return { txId, blockNumber: BigInt(this.#n), result: Buffer.from(JSON.stringify(result)) };
    } finally {
      this.inFlight--;
    }
  }

  txStatus(txId: string): Promise<TxStatus> {
    return Promise.resolve({ txId, found: false });
  }
}

/** An outbox in memory: claims take rows from the head (skipping claimed ones), as the claim query does. */
function queueStore(items: ClaimedItem[]): {
  store: OutboxStore;
  asked: number[];
  settled: Outcome[];
  unclaimed: string[];
} {
  const claimedIds = new Set<string>();
  const done = new Set<string>();
  const asked: number[] = [];
  const settled: Outcome[] = [];
  const unclaimed: string[] = [];
  const store = {
    claim: (max: number) => {
      asked.push(max);
      const ready = items.filter((i) => !claimedIds.has(i.trackingId) && !done.has(i.trackingId)).slice(0, max);
      for (const i of ready) claimedIds.add(i.trackingId);
      return Promise.resolve({ items: ready, waitMs: ready.length === 0 ? 5 : 0 });
    },
    unclaim: (ids: readonly string[]) => {
      for (const id of ids) claimedIds.delete(id);
      unclaimed.push(...ids);
      return Promise.resolve();
    },
    recordSent: (list: readonly SentTx[]) => Promise.resolve(list.map(() => true)),
    recordSentAll: () => Promise.resolve(true),
    settle: (list: readonly Outcome[]) => {
      for (const o of list) {
        settled.push(o);
        claimedIds.delete(o.item.trackingId);
        if (o.kind !== 'retry') done.add(o.item.trackingId);
      }
      return Promise.resolve(list.map(() => true));
    },
    renew: (ids: readonly string[]) => Promise.resolve(new Set(ids)),
    markStalled: () => Promise.resolve(0),
    deadWithTx: () => Promise.resolve([]),
  } as unknown as OutboxStore;
  return { store, asked, settled, unclaimed };
}

async function runUntil(
  items: ClaimedItem[],
  settledAll: (n: number) => boolean,
  concurrency: number,
): Promise<{ ledger: SlowLedger } & ReturnType<typeof queueStore>> {
  const ledger = new SlowLedger(30);
  const q = queueStore(items);
  const config = Object.assign(new BatcherConfig(), {
    size: 1000,
    callMaxItems: 100,
    concurrency,
    waitMs: 5,
    backoffMs: 5,
    maxBackoffMs: 20,
    leaseMs: 60_000,
  });
  const appConfig = Object.assign(new AppConfig(), { batcher: config, ledger: { driver: 'gateway' } });
  const functions = new LedgerFunctions();
  functions.register('points:Accrue', { idempotent: true, batch: ACCRUE_CODEC });
  functions.register('info:PutNote', { idempotent: true });
  const metrics = new MetricsService();
  const port = ledger as unknown as LedgerPort;
  const carrier = new BatchCarrier(q.store, port, appConfig, metrics, functions);
  const batcher = new OutboxBatcher(q.store, port, appConfig, metrics, functions, carrier);
  batcher.start();
  const until = Date.now() + 20_000;
  while (!settledAll(q.settled.filter((o) => o.kind === 'committed').length) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 10));
  await batcher.stop();
  return { ledger, ...q };
}

describe('claim sizing', () => {
  it('fills batch calls: after the first claim shows the queue batches, a claim asks for free slots × items per call', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => claimed(i, 'points:Accrue'));
    const r = await runUntil(items, (n) => n === 1000, 4);
    // The first claim knows nothing: one item per free slot. Then it asks for full calls.
    expect(r.asked[0]).toBe(4);
    // A claim waits for 2 free slots (half the concurrency) and asks free × items per call, growing 4, 16, 64 and
    // then full calls (a claim cut by its own size is sized by its largest call, not the average: see itemsPerCall).
    // How many slots are free at each claim is up to the machine's load; whatever it is, only the ramp (4 + 16 + 64,
    // one partial call of at most 64 after it) and the tail (under 100) are not full calls.
    expect(Math.max(...r.asked)).toBeGreaterThan(100);
    expect(r.ledger.calls.length).toBeLessThanOrEqual(20);
    expect(r.ledger.calls.filter((n) => n === 100).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(700);
    expect(r.ledger.maxInFlight).toBeLessThanOrEqual(4);
    // Every item committed exactly once.
    const committed = r.settled.filter((o) => o.kind === 'committed').map((o) => o.item.trackingId);
    expect(new Set(committed).size).toBe(1000);
    expect(committed).toHaveLength(1000);
  });

  it('items that do not batch: one item per free slot, never more calls in flight than slots, nothing given back', async () => {
    const items = Array.from({ length: 40 }, (_, i) => claimed(i, 'info:PutNote'));
    const r = await runUntil(items, (n) => n === 40, 3);
    expect(Math.max(...r.asked)).toBeLessThanOrEqual(3);
    expect(r.ledger.maxInFlight).toBeLessThanOrEqual(3);
    expect(r.unclaimed).toEqual([]);
    expect(r.ledger.calls.every((n) => n === 1)).toBe(true);
  });

  it('a queue that turns from batching to single items gives the calls beyond the free slots back unsent, and carries them later', async () => {
    const items = [
      ...Array.from({ length: 200 }, (_, i) => claimed(i, 'points:Accrue')),
      ...Array.from({ length: 60 }, (_, i) => claimed(200 + i, 'info:PutNote')),
    ];
    const r = await runUntil(items, (n) => n === 260, 2);
    expect(r.ledger.maxInFlight).toBeLessThanOrEqual(2);
    expect(r.unclaimed.length).toBeGreaterThan(0);
    const committed = r.settled.filter((o) => o.kind === 'committed').map((o) => o.item.trackingId);
    expect(new Set(committed).size).toBe(260);
    // Given back means not sent and not settled: no retry outcome, no attempt spent.
    expect(r.settled.filter((o) => o.kind !== 'committed')).toEqual([]);
  });
});

describe('itemsPerCall', () => {
  it('a claim cut by its own size is sized by its largest call: 100 + 44 with two slots does not settle at 72', () => {
    expect(itemsPerCall({ asked: 144, units: [100, 44], free: 2 }, 100)).toBe(100);
    // The ramp: a claim of 4 made one call of 4, so the next may hold 4 per call (×4 each claim).
    expect(itemsPerCall({ asked: 4, units: [4], free: 4 }, 100)).toBe(4);
  });

  it('the queue ran short, or more calls than slots were made: the average, so as not to over-claim', () => {
    // Got fewer than asked: the queue, not the cut, made the calls small.
    expect(itemsPerCall({ asked: 200, units: [100, 20], free: 2 }, 100)).toBe(60);
    // Items that do not batch beside a batch call made more calls than slots (the extra ones went back).
    expect(itemsPerCall({ asked: 104, units: [100, 1, 1, 1, 1], free: 2 }, 100)).toBeCloseTo(20.8);
    expect(itemsPerCall({ asked: 3, units: [1, 1, 1], free: 3 }, 100)).toBe(1);
  });

  it('stays between 1 and the call maximum', () => {
    expect(itemsPerCall({ asked: 10, units: [], free: 2 }, 100)).toBe(1);
    expect(itemsPerCall({ asked: 500, units: [250, 250], free: 2 }, 100)).toBe(100);
    expect(itemsPerCall({ asked: 0, units: [0], free: 1 }, 100)).toBe(1);
  });
});

describe('fitLanes', () => {
  const unit = (...ids: number[]): ClaimedItem[] => ids.map((i) => claimed(i, 'info:PutNote', `key${i}`));

  it('starts lanes while there are free slots and gives the rest back whole', () => {
    const lanes = [[unit(1)], [unit(2)], [unit(3)]];
    const { start, back } = fitLanes(lanes, 2);
    expect(start).toEqual([[unit(1)], [unit(2)]]);
    expect(back).toEqual([[unit(3)]]);
  });

  it('never cuts a lane: its units share keys, and a given-back tail could be claimed while its head is in flight', () => {
    const lane = [unit(1), unit(2), unit(3)];
    const { start, back } = fitLanes([[unit(4)], lane, [unit(5)]], 2);
    // Lanes are independent of each other: the one after the cut-off lane still fits.
    expect(start).toEqual([[unit(4)], [unit(5)]]);
    expect(back).toEqual([lane]);
  });

  it('always starts the first lane whole, even with no free slot (as a claim always carried what it took)', () => {
    expect(fitLanes([[unit(1), unit(2)], [unit(3)]], 0)).toEqual({ start: [[unit(1), unit(2)]], back: [[unit(3)]] });
    expect(fitLanes([], 3)).toEqual({ start: [], back: [] });
  });
});
