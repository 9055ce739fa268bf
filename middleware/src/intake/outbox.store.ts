import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { lockEventLog } from '../database/event-log';
import { inTransaction } from '../database/transaction';
import * as SQL from './outbox.sql';
import type { RecordedTx } from './tx-recovery';

export interface ClaimedItem {
  readonly outboxId: string;
  readonly trackingId: string;
  /** Fencing token of the claim: every later write for this item names it. */
  readonly token: string;
  readonly kind: string;
  readonly naturalKey: string;
  readonly fn: string;
  readonly args: string[];
  readonly attempts: number;
  readonly createdAt: Date;
  /** Items of one key are carried in queue order, each sent only once those before it committed. */
  readonly orderingKey: string | null;
  /** The transaction this item was last sent as, if any (a previous round or process may have sent it). */
  readonly sent: RecordedTx;
}

/** A signed transaction about to be sent for an item. */
export interface SentTx {
  readonly trackingId: string;
  readonly token: string;
  readonly txId: string;
  readonly envelope: Uint8Array | null;
}

/** What one ledger attempt for an item came to. */
export type Outcome =
  | { readonly kind: 'committed'; readonly item: ClaimedItem; readonly txId: string; readonly blockNumber: bigint }
  | {
      readonly kind: 'dead';
      readonly item: ClaimedItem;
      readonly code: string;
      readonly reason: string;
      /** The item leaves its ordering key: later items of the key are not held behind it (`releasesOn`). */
      readonly release?: boolean;
    }
  | {
      readonly kind: 'retry';
      readonly item: ClaimedItem;
      readonly reason: string;
      readonly delayMs: number;
      /** Waiting for an earlier transaction to show up on the ledger: not a failed attempt. */
      readonly wait?: boolean;
    };

/** Where a pass over the dead items stands. */
export interface DeadCursor {
  readonly updatedAt: Date;
  readonly trackingId: string;
}

export interface DeadWithTx extends DeadCursor {
  readonly txId: string;
}

/** Thrown inside `recordSentAll` to roll a partial record back. */
class PartialRecord extends Error {}

/** The first scope of a claim's SELECT_READY: this many rows per row wanted, at least {@link MIN_SCOPE}. */
const SCOPE_PER_ROW = 4;
const MIN_SCOPE = 1024;
/** How much a scope grows when it did not fill the claim. */
const SCOPE_GROWTH = 4;

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

/**
 * The rows a claim takes (SELECT_READY, in the claim's transaction): the first prefix of the outbox is a few times the
 * claim's size; while the answer is short of `size` and the prefix did not hold the whole outbox, the prefix grows
 * and the query runs again. The rows an earlier round locked are in the later round's answer (they are ready on a
 * prefix, so ready on a longer one; a lock of the claim's own never skips them). Each round reads the outbox as it is
 * then (READ COMMITTED): the last round's answer is what the query gives on that state, and a row an earlier round
 * locked that is no longer ready is not in it (so not claimed; its lock goes at the claim's commit). `firstScope` is
 * for tests.
 */
export async function selectReady(
  query: Query,
  size: number,
  keyRunMax: number,
  firstScope = Math.max(MIN_SCOPE, size * SCOPE_PER_ROW),
): Promise<{ id: string; age_ms: string }[]> {
  for (let scope = Math.max(1, firstScope); ; scope *= SCOPE_GROWTH) {
    const ready = (await query(SQL.SELECT_READY, [size, keyRunMax, scope])) as { id: string; age_ms: string }[];
    if (ready.length >= size) return ready;
    const [more] = (await query(SQL.HAS_ROWS, [scope])) as { more: boolean }[];
    if (more?.more !== true) return ready;
  }
}

interface ItemRef {
  tracking_id: string;
  kind: string;
  natural_key: string;
}

/**
 * SQL of the outbox: claiming under a fenced lease (FOR UPDATE SKIP LOCKED, token in `claimed_by`), renewing it,
 * recording sent transactions, and settling outcomes with their events, each write refused to a stale holder.
 */
@Injectable()
export class OutboxStore {
  readonly #logger = new Logger(OutboxStore.name);

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Claims up to `size` ready rows under `token` when a full batch is there or the oldest has waited `waitMs`;
   * otherwise claims nothing and returns how long to wait. Of one ordering key, up to `keyRunMax` consecutive rows
   * from the head of its queue are claimed together (1: one at a time); claims of all batchers are serialised.
   */
  async claim(
    size: number,
    waitMs: number,
    leaseMs: number,
    token: string,
    keyRunMax = 1,
  ): Promise<{ items: ClaimedItem[]; waitMs: number }> {
    return inTransaction(this.ds, async (qr) => {
      await qr.query(SQL.CLAIM_LOCK);
      await qr.query(SQL.NO_JIT);
      const ready = await selectReady((sql, params) => qr.query(sql, params), size, keyRunMax);
      if (ready.length === 0) return { items: [], waitMs };
      const oldest = Math.max(...ready.map((r) => Number(r.age_ms)));
      if (ready.length < size && oldest < waitMs) return { items: [], waitMs: Math.max(1, Math.ceil(waitMs - oldest)) };
      const rows = (await qr.query(SQL.CLAIM, [ready.map((r) => r.id), leaseMs, token])) as ClaimRow[];
      return { items: rows.map((r) => toClaimed(r, token)), waitMs: 0 };
    });
  }

  /** Claimed rows given back unsent (no free submit slot for them this round): claimable again at once. */
  async unclaim(trackingIds: readonly string[], token: string): Promise<void> {
    if (trackingIds.length > 0) await this.ds.query(SQL.UNCLAIM, [trackingIds, token]);
  }

  /** Extends the lease of `trackingIds` held under `token`; answers those still held (the others were taken over). */
  async renew(trackingIds: readonly string[], token: string, leaseMs: number): Promise<Set<string>> {
    const rows = await this.ds.query<{ tracking_id: string }[]>(SQL.RENEW, [trackingIds, token, leaseMs]);
    return new Set(rows.map((r) => r.tracking_id));
  }

  /**
   * Records, before sending, the transaction each item is about to be sent as. Returns per item whether it was
   * recorded: one whose lease is gone or was taken over is not, and its transaction must not be sent.
   */
  async recordSent(list: readonly SentTx[]): Promise<boolean[]> {
    const rows = await this.ds.query<{ tracking_id: string }[]>(SQL.RECORD_SENT, [
      list.map((t) => t.trackingId),
      list.map((t) => t.txId),
      list.map((t) => (t.envelope === null ? null : Buffer.from(t.envelope))),
      list.map((t) => t.token),
    ]);
    const recorded = new Set(rows.map((r) => r.tracking_id));
    return list.map((t) => recorded.has(t.trackingId));
  }

  /**
   * Records one transaction that carries several items (a batch call) on all of them, or on none: when any item is
   * no longer held under its token nothing is recorded and `false` is answered, so the transaction must not be
   * sent. A partial record would let a later recovery re-send an envelope that carries items another holder owns.
   */
  async recordSentAll(list: readonly SentTx[]): Promise<boolean> {
    if (new Set(list.map((t) => t.txId)).size > 1)
      throw new Error('recordSentAll: the items must carry one transaction');
    try {
      return await inTransaction(this.ds, async (qr) => {
        // One transaction: its envelope crosses once (RECORD_SENT keeps it once per transaction ID).
        const rows = (await qr.query(SQL.RECORD_SENT, [
          list.map((t) => t.trackingId),
          list.map((t) => t.txId),
          list.map((t, k) => (t.envelope === null || k > 0 ? null : Buffer.from(t.envelope))),
          list.map((t) => t.token),
        ])) as { tracking_id: string }[];
        if (rows.length !== list.length) throw new PartialRecord();
        return true;
      });
    } catch (e) {
      if (e instanceof PartialRecord) return false;
      throw e;
    }
  }

  /**
   * Settles outcomes in one transaction, each only if its claim still holds the row and the item is pending; the
   * events (`intake.committed`, `intake.dead`, `intake.stalled`) are appended for the rows really changed, so each
   * is appended once. Returns per outcome whether it was applied.
   */
  async settle(outcomes: readonly Outcome[], stalledAfterMs: number): Promise<boolean[]> {
    const applied = await this.#settle(outcomes, stalledAfterMs);
    const settled = outcomes.filter((o) => o.kind !== 'retry' && applied.has(o.item.trackingId));
    if (settled.length > 0)
      await this.ds.query(SQL.SWEEP_ENVELOPES, [settled.map((o) => o.item.trackingId)]).catch((e: unknown) => {
        // Only orphans are left: the sweep of a later settle takes them after ten minutes.
        this.#logger.warn(`envelopes not swept: ${String(e)}`);
      });
    return outcomes.map((o) => applied.has(o.item.trackingId));
  }

  async #settle(outcomes: readonly Outcome[], stalledAfterMs: number): Promise<Set<string>> {
    return inTransaction(this.ds, async (qr) => {
      const applied = new Set<string>();
      const committed = outcomes.filter((o) => o.kind === 'committed');
      const dead = outcomes.filter((o) => o.kind === 'dead');
      const retries = outcomes.filter((o) => o.kind === 'retry');
      if (committed.length > 0) await this.#committed(qr, committed, applied);
      if (dead.length > 0) await this.#dead(qr, dead, applied);
      if (retries.length > 0) await this.#retry(qr, retries, stalledAfterMs, applied);
      return applied;
    });
  }

  async depth(): Promise<number> {
    const rows = await this.ds.query<{ n: number }[]>('SELECT count(*)::int AS n FROM outbox');
    return rows[0]?.n ?? 0;
  }

  /** Items pending longer than `afterMs`, and how long the oldest has been. */
  async stalled(afterMs: number): Promise<{ count: number; oldestMs: number }> {
    const rows = await this.ds.query<{ n: number; oldest_ms: number }[]>(SQL.STALLED, [afterMs]);
    return { count: rows[0]?.n ?? 0, oldestMs: Math.round(rows[0]?.oldest_ms ?? 0) };
  }

  /**
   * Frees the natural key of a dead item whose refusal released it (`LedgerFunctionMeta.releasesOn`): the item is
   * renamed `<key>!refused:<trackingId>` (its tracking ID, history and answer stay), so a new item may take the key.
   * False when the key's item is not such an item (pending, committed, or dead for another reason).
   */
  async freeReleased(kind: string, naturalKey: string): Promise<boolean> {
    const rows = await this.ds.query<{ tracking_id: string }[]>(SQL.FREE_RELEASED, [kind, naturalKey]);
    return rows.length > 0;
  }

  /** One page of dead items with a recorded transaction, after `cursor` (in the order they died). */
  async deadWithTx(cursor: DeadCursor | undefined, limit: number): Promise<DeadWithTx[]> {
    const rows = await this.ds.query<{ tracking_id: string; tx_id: string; updated_at: Date }[]>(SQL.DEAD_WITH_TX, [
      cursor?.updatedAt ?? new Date(0),
      cursor?.trackingId ?? '00000000-0000-0000-0000-000000000000',
      limit,
    ]);
    return rows.map((r) => ({ trackingId: r.tracking_id, txId: r.tx_id, updatedAt: r.updated_at }));
  }

  /**
   * Marks items pending longer than `afterMs` as stalled, once each, including those that have never been claimed
   * (waiting on their ordering key or dependency), and appends one `intake.stalled` per item marked.
   */
  async markStalled(afterMs: number): Promise<number> {
    return inTransaction(this.ds, async (qr) => {
      const rows = (await qr.query(SQL.MARK_STALLED, [afterMs])) as (ItemRef & {
        created_at: Date;
        last_error: string | null;
        ordering_key: string | null;
        after_kind: string | null;
        after_key: string | null;
      })[];
      await appendEvents(
        qr,
        'intake.stalled',
        rows.map((r) => ({
          ...ref(r),
          acceptedAt: r.created_at.toISOString(),
          lastError: r.last_error,
          ...(r.ordering_key === null ? {} : { orderingKey: r.ordering_key }),
          ...(r.after_key === null ? {} : { after: { kind: r.after_kind, naturalKey: r.after_key } }),
        })),
        rows.map(() => null),
      );
      return rows.length;
    });
  }

  /**
   * The one legal way out of `dead`: the ledger shows the item's transaction committed VALID. Appends one
   * `intake.committed` (with `correctedFrom: 'dead'`); `false` when the item is no longer dead with that tx ID.
   */
  async correctDead(trackingId: string, txId: string, blockNumber: bigint): Promise<boolean> {
    return inTransaction(this.ds, async (qr) => {
      const rows = (await qr.query(SQL.CORRECT_DEAD, [trackingId, txId, blockNumber.toString()])) as (ItemRef & {
        tx_id: string;
        block_number: string;
        history: { status: string; code?: string; reason?: string }[];
      })[];
      const r = rows[0];
      if (!r) return false;
      const dead = r.history.filter((h) => h.status === 'dead').at(-1);
      await appendEvents(
        qr,
        'intake.committed',
        [
          {
            ...ref(r),
            txId: r.tx_id,
            blockNumber: r.block_number,
            correctedFrom: 'dead',
            previousCode: dead?.code ?? null,
            previousReason: dead?.reason ?? null,
          },
        ],
        [r.tx_id],
      );
      return true;
    });
  }

  async #committed(
    qr: QueryRunner,
    list: readonly Extract<Outcome, { kind: 'committed' }>[],
    applied: Set<string>,
  ): Promise<void> {
    const rows = (await qr.query(SQL.SETTLE_COMMITTED, [
      list.map((c) => c.item.trackingId),
      list.map((c) => c.item.token),
      list.map((c) => c.txId),
      list.map((c) => c.blockNumber.toString()),
    ])) as (ItemRef & { tx_id: string; block_number: string })[];
    for (const r of rows) applied.add(r.tracking_id);
    await appendEvents(
      qr,
      'intake.committed',
      rows.map((r) => ({ ...ref(r), txId: r.tx_id, blockNumber: r.block_number })),
      rows.map((r) => r.tx_id),
    );
  }

  async #dead(
    qr: QueryRunner,
    list: readonly Extract<Outcome, { kind: 'dead' }>[],
    applied: Set<string>,
  ): Promise<void> {
    const rows = (await qr.query(SQL.SETTLE_DEAD, [
      list.map((f) => f.item.trackingId),
      list.map((f) => f.item.token),
      list.map((f) => f.code),
      list.map((f) => f.reason),
      list.map((f) => f.release === true),
    ])) as (ItemRef & { error_code: string; last_error: string; released: boolean })[];
    for (const r of rows) applied.add(r.tracking_id);
    await appendEvents(
      qr,
      'intake.dead',
      rows.map((r) => ({
        ...ref(r),
        code: r.error_code,
        reason: r.last_error,
        ...(r.released ? { released: true } : {}),
      })),
      rows.map(() => null),
    );
  }

  async #retry(
    qr: QueryRunner,
    list: readonly Extract<Outcome, { kind: 'retry' }>[],
    stalledAfterMs: number,
    applied: Set<string>,
  ): Promise<void> {
    const rows = (await qr.query(SQL.SETTLE_RETRY, [
      list.map((r) => r.item.trackingId),
      list.map((r) => r.item.token),
      list.map((r) => r.reason),
      list.map((r) => r.wait !== true),
      list.map((r) => r.delayMs),
      stalledAfterMs,
    ])) as (ItemRef & { last_error: string; created_at: Date; newly_stalled: boolean })[];
    for (const r of rows) applied.add(r.tracking_id);
    const stalled = rows.filter((r) => r.newly_stalled);
    await appendEvents(
      qr,
      'intake.stalled',
      stalled.map((r) => ({ ...ref(r), acceptedAt: r.created_at.toISOString(), lastError: r.last_error })),
      stalled.map(() => null),
    );
  }
}

async function appendEvents(
  qr: QueryRunner,
  type: string,
  data: readonly object[],
  txIds: readonly (string | null)[],
): Promise<void> {
  if (data.length === 0) return;
  await lockEventLog(qr);
  await qr.query(
    `INSERT INTO events (type, tx_id, data) SELECT $1, t, d FROM unnest($2::text[], $3::jsonb[]) AS u(t, d)`,
    [type, txIds, data.map((d) => JSON.stringify(d))],
  );
}

interface ClaimRow {
  outbox_id: string;
  tracking_id: string;
  kind: string;
  natural_key: string;
  fn: string;
  args: string[];
  attempts: number;
  created_at: Date;
  tx_id: string | null;
  tx_envelope: Buffer | null;
  tx_sent_at: Date | null;
  ordering_key: string | null;
}

function toClaimed(r: ClaimRow, token: string): ClaimedItem {
  return {
    outboxId: r.outbox_id,
    trackingId: r.tracking_id,
    token,
    kind: r.kind,
    naturalKey: r.natural_key,
    fn: r.fn,
    args: r.args,
    attempts: r.attempts,
    createdAt: r.created_at,
    orderingKey: r.ordering_key,
    sent: { txId: r.tx_id, envelope: r.tx_envelope, sentAt: r.tx_sent_at },
  };
}

function ref(r: ItemRef): { trackingId: string; kind: string; naturalKey: string } {
  return { trackingId: r.tracking_id, kind: r.kind, naturalKey: r.natural_key };
}
