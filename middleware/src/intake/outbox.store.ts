import type { DataSource, QueryRunner } from 'typeorm';
import { lockEventLog } from '../database/event-log';
import { inTransaction } from '../database/transaction';
import type { RecordedTx } from './tx-recovery';

export interface ClaimedItem {
  readonly outboxId: string;
  readonly trackingId: string;
  readonly kind: string;
  readonly naturalKey: string;
  readonly fn: string;
  readonly args: string[];
  readonly attempts: number;
  readonly createdAt: Date;
  /** The transaction this item was last sent as, if any (a previous round or process may have sent it). */
  readonly sent: RecordedTx;
}

/** A signed transaction about to be sent for an item. */
export interface SentTx {
  readonly trackingId: string;
  readonly txId: string;
  readonly envelope: Uint8Array | null;
}

export interface Committed {
  readonly item: ClaimedItem;
  readonly txId: string;
  readonly blockNumber: bigint;
}

export interface Failed {
  readonly item: ClaimedItem;
  readonly code: string;
  readonly reason: string;
}

export interface Retry {
  readonly item: ClaimedItem;
  readonly reason: string;
  readonly delayMs: number;
  /** Waiting for an earlier transaction to show up on the ledger: not a failed attempt. */
  readonly wait?: boolean;
}

const SELECT_READY = `
  SELECT o.id, extract(epoch from (now() - o.available_at)) * 1000 AS age_ms FROM outbox o
  WHERE o.available_at <= now() AND (o.claimed_until IS NULL OR o.claimed_until < now())
  ORDER BY o.id LIMIT $1 FOR UPDATE SKIP LOCKED`;
const CLAIM = `
  WITH c AS (UPDATE outbox SET claimed_until = now() + make_interval(secs => $2::double precision / 1000)
             WHERE id = ANY($1::bigint[]) RETURNING id, tracking_id)
  SELECT c.id AS outbox_id, i.tracking_id, i.kind, i.natural_key, i.fn, i.args, i.attempts, i.created_at,
         i.tx_id, i.tx_envelope, i.tx_sent_at
  FROM c JOIN intake_items i ON i.tracking_id = c.tracking_id ORDER BY c.id`;

/** SQL of the outbox: claiming with FOR UPDATE SKIP LOCKED under a lease, and settling results in one transaction. */
export class OutboxStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Claims up to `size` ready rows when a full batch is there or the oldest has waited `waitMs`;
   * otherwise claims nothing and returns how long to wait.
   */
  async claim(size: number, waitMs: number, leaseMs: number): Promise<{ items: ClaimedItem[]; waitMs: number }> {
    return this.#tx(async (qr) => {
      const ready = (await qr.query(SELECT_READY, [size])) as { id: string; age_ms: string }[];
      if (ready.length === 0) return { items: [], waitMs };
      const oldest = Math.max(...ready.map((r) => Number(r.age_ms)));
      if (ready.length < size && oldest < waitMs) return { items: [], waitMs: Math.max(1, Math.ceil(waitMs - oldest)) };
      const rows = (await qr.query(CLAIM, [ready.map((r) => r.id), leaseMs])) as ClaimRow[];
      return { items: rows.map(toClaimed), waitMs: 0 };
    });
  }

  async settle(committed: readonly Committed[], failed: readonly Failed[], retries: readonly Retry[]): Promise<void> {
    await this.#tx(async (qr) => {
      if (committed.length > 0) await this.#committed(qr, committed);
      if (failed.length > 0) await this.#failed(qr, failed);
      if (retries.length > 0) await this.#retry(qr, retries);
    });
  }

  /**
   * Records, before sending, the transaction each item is about to be sent as. Returns per item whether it was
   * recorded (an item settled meanwhile, by another batcher, is not: its transaction must not be sent).
   */
  async recordSent(list: readonly SentTx[]): Promise<boolean[]> {
    const rows = await this.ds.query<{ tracking_id: string }[]>(
      // As a SELECT over the UPDATE: TypeORM answers a bare UPDATE with [rows, count] instead of the rows.
      `WITH r AS (
         UPDATE intake_items i SET tx_id = u.tx_id, tx_envelope = u.envelope, tx_sent_at = now(), updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::bytea[]) AS u(id, tx_id, envelope)
         WHERE i.tracking_id = u.id AND i.status = 'pending' RETURNING i.tracking_id)
       SELECT tracking_id FROM r`,
      [
        list.map((t) => t.trackingId),
        list.map((t) => t.txId),
        list.map((t) => (t.envelope === null ? null : Buffer.from(t.envelope))),
      ],
    );
    const recorded = new Set(rows.map((r) => r.tracking_id));
    return list.map((t) => recorded.has(t.trackingId));
  }

  async depth(): Promise<number> {
    const rows = await this.ds.query<{ n: number }[]>('SELECT count(*)::int AS n FROM outbox');
    return rows[0]?.n ?? 0;
  }

  async #committed(qr: QueryRunner, list: readonly Committed[]): Promise<void> {
    const ids = list.map((c) => c.item.trackingId);
    await qr.query(
      `UPDATE intake_items i SET status = 'committed', tx_id = u.tx_id, block_number = u.block, attempts = i.attempts + 1,
         committed_at = now(), updated_at = now(), error_code = NULL, last_error = NULL, tx_envelope = NULL
       FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS u(id, tx_id, block)
       WHERE i.tracking_id = u.id AND i.status = 'pending'`,
      [ids, list.map((c) => c.txId), list.map((c) => c.blockNumber.toString())],
    );
    await qr.query('DELETE FROM outbox WHERE tracking_id = ANY($1::uuid[])', [ids]);
    await this.#events(
      qr,
      'intake.committed',
      list.map((c) => ({ ...ref(c.item), txId: c.txId, blockNumber: c.blockNumber.toString() })),
      list.map((c) => c.txId),
    );
  }

  async #failed(qr: QueryRunner, list: readonly Failed[]): Promise<void> {
    const ids = list.map((f) => f.item.trackingId);
    await qr.query(
      `UPDATE intake_items i SET status = 'dead', error_code = u.code, last_error = u.reason, attempts = i.attempts + 1,
         updated_at = now(), tx_envelope = NULL
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, code, reason)
       WHERE i.tracking_id = u.id AND i.status = 'pending'`,
      [ids, list.map((f) => f.code), list.map((f) => f.reason)],
    );
    await qr.query('DELETE FROM outbox WHERE tracking_id = ANY($1::uuid[])', [ids]);
    await this.#events(
      qr,
      'intake.dead',
      list.map((f) => ({ ...ref(f.item), code: f.code, reason: f.reason })),
      list.map(() => null),
    );
  }

  async #retry(qr: QueryRunner, list: readonly Retry[]): Promise<void> {
    await qr.query(
      `UPDATE intake_items i SET attempts = i.attempts + u.counted::int, last_error = u.reason, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::boolean[]) AS u(id, reason, counted) WHERE i.tracking_id = u.id`,
      [list.map((r) => r.item.trackingId), list.map((r) => r.reason), list.map((r) => r.wait !== true)],
    );
    await qr.query(
      `UPDATE outbox o SET claimed_until = NULL, available_at = now() + make_interval(secs => u.delay / 1000)
       FROM unnest($1::uuid[], $2::double precision[]) AS u(id, delay) WHERE o.tracking_id = u.id`,
      [list.map((r) => r.item.trackingId), list.map((r) => r.delayMs)],
    );
  }

  async #events(
    qr: QueryRunner,
    type: string,
    data: readonly object[],
    txIds: readonly (string | null)[],
  ): Promise<void> {
    await lockEventLog(qr);
    await qr.query(
      `INSERT INTO events (type, tx_id, data) SELECT $1, t, d FROM unnest($2::text[], $3::jsonb[]) AS u(t, d)`,
      [type, txIds, data.map((d) => JSON.stringify(d))],
    );
  }

  #tx<T>(work: (qr: QueryRunner) => Promise<T>): Promise<T> {
    return inTransaction(this.ds, work);
  }
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
}

function toClaimed(r: ClaimRow): ClaimedItem {
  return {
    outboxId: r.outbox_id,
    trackingId: r.tracking_id,
    kind: r.kind,
    naturalKey: r.natural_key,
    fn: r.fn,
    args: r.args,
    attempts: r.attempts,
    createdAt: r.created_at,
    sent: { txId: r.tx_id, envelope: r.tx_envelope, sentAt: r.tx_sent_at },
  };
}

function ref(item: ClaimedItem): { trackingId: string; kind: string; naturalKey: string } {
  return { trackingId: item.trackingId, kind: item.kind, naturalKey: item.naturalKey };
}
