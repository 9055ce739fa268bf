import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { lockEventLog } from '../database/event-log';
import type { LedgerEvent } from '../ledger/ledger.port';
import type { QuarantineStatus } from './quarantine.entity';

export const QUARANTINED_EVENT = 'projection.quarantined';
/** Bytes of the payload shown when listing (the whole payload stays stored for the re-apply). */
const PREVIEW_BYTES = 512;

export interface QuarantinedEvent {
  readonly id: string;
  readonly blockNumber: string;
  readonly txId: string;
  readonly eventName: string;
  readonly error: string;
  readonly status: QuarantineStatus;
  readonly attempts: number;
  readonly firstSeen: string;
  readonly updatedAt: string;
  readonly payloadBytes: number;
  /** The payload's first bytes as UTF-8 (invalid sequences replaced). */
  readonly payloadPreview: string;
}

/** A quarantined event with everything a re-apply needs. */
export interface QuarantineRow extends QuarantinedEvent {
  readonly payload: Buffer;
  readonly logSeq: string;
}

interface Row {
  id: string;
  block_number: string;
  tx_id: string;
  event_name: string;
  error: string;
  status: QuarantineStatus;
  attempts: number;
  first_seen: Date;
  updated_at: Date;
  payload: Buffer;
  log_seq: string;
}

/** SQL of `projection_quarantine` (in the live schema or a rebuild schema; `s` is quoted). */
export const quarantineSql = {
  /**
   * Parks the event and appends `projection.quarantined` to the event log at the event's place in ledger order;
   * `undefined` (and nothing written) when the transaction is in the quarantine already.
   */
  async park(qr: QueryRunner, s: string, e: LedgerEvent, error: string): Promise<string | undefined> {
    const [row] = (await qr.query(
      `INSERT INTO ${s}.projection_quarantine (id, block_number, tx_id, event_name, payload, error, log_seq)
       VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (tx_id) DO NOTHING RETURNING id`,
      [randomUUID(), e.blockNumber.toString(), e.txId, e.eventName, Buffer.from(e.payload), error],
    )) as { id: string }[];
    if (!row) return undefined;
    await lockEventLog(qr);
    const data = {
      quarantineId: row.id,
      blockNumber: e.blockNumber.toString(),
      txId: e.txId,
      eventName: e.eventName,
      error,
    };
    await qr.query(
      `WITH m AS (INSERT INTO ${s}.events (type, tx_id, block_number, data) VALUES ($1, $2, $3, $4) RETURNING seq)
       UPDATE ${s}.projection_quarantine SET log_seq = (SELECT seq FROM m) WHERE id = $5`,
      [QUARANTINED_EVENT, e.txId, e.blockNumber.toString(), JSON.stringify(data), row.id],
    );
    return row.id;
  },

  /**
   * Of these keys, those that an event after position (`block`, `pos`) in ledger order changed: the log's
   * `ledger.changes` entries, ordered by block and then by their place in the log (a re-applied entry carries
   * the place of its quarantine marker as `pos`).
   */
  async changedLater(
    qr: QueryRunner,
    keys: readonly { entity: string; id: string }[],
    block: string,
    pos: string,
  ): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = (await qr.query(
      `SELECT k.e, k.i FROM unnest($1::text[], $2::text[]) AS k(e, i)
       WHERE EXISTS (SELECT 1 FROM events l WHERE l.type = 'ledger.changes'
         AND (l.block_number > $3::bigint OR (l.block_number = $3::bigint AND coalesce((l.data->>'pos')::bigint, l.seq) > $4::bigint))
         AND l.data->'changes' @> jsonb_build_array(jsonb_build_object('entity', k.e, 'id', k.i)))`,
      [keys.map((k) => k.entity), keys.map((k) => k.id), block, pos],
    )) as { e: string; i: string }[];
    return new Set(rows.map((r) => `${r.e}\u0000${r.i}`));
  },
};

/** The quarantine of the live read model, for the admin API, health and metrics. */
@Injectable()
export class QuarantineStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(status: QuarantineStatus | undefined, limit: number, offset: number): Promise<QuarantinedEvent[]> {
    const rows = await this.ds.query<Row[]>(
      `SELECT id, block_number::text AS block_number, tx_id, event_name, error, status, attempts, first_seen, updated_at,
         substring(payload from 1 for ${PREVIEW_BYTES.toString()}) AS payload, octet_length(payload) AS payload_bytes, log_seq::text AS log_seq
       FROM projection_quarantine WHERE ($1::text IS NULL OR status = $1) ORDER BY block_number, log_seq LIMIT $2 OFFSET $3`,
      [status ?? null, limit, offset],
    );
    return rows.map((r) => view(r));
  }

  async get(id: string): Promise<QuarantinedEvent | undefined> {
    const rows = await this.ds.query<Row[]>(
      `SELECT id, block_number::text AS block_number, tx_id, event_name, error, status, attempts, first_seen, updated_at,
         substring(payload from 1 for ${PREVIEW_BYTES.toString()}) AS payload, octet_length(payload) AS payload_bytes, log_seq::text AS log_seq
       FROM projection_quarantine WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    return r ? view(r) : undefined;
  }

  async countParked(): Promise<number> {
    const rows = await this.ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM projection_quarantine WHERE status = 'parked'`,
    );
    return rows[0]?.n ?? 0;
  }

  /** The row, locked for the caller's transaction. */
  async lock(qr: QueryRunner, id: string): Promise<QuarantineRow | undefined> {
    const rows = (await qr.query(
      `SELECT id, block_number::text AS block_number, tx_id, event_name, error, status, attempts, first_seen, updated_at,
         payload, octet_length(payload) AS payload_bytes, log_seq::text AS log_seq
       FROM projection_quarantine WHERE id = $1 FOR UPDATE`,
      [id],
    )) as Row[];
    const r = rows[0];
    return r ? { ...view(r), payload: r.payload, logSeq: r.log_seq } : undefined;
  }

  async setStatus(qr: QueryRunner, id: string, status: QuarantineStatus): Promise<void> {
    await qr.query(
      `UPDATE projection_quarantine SET status = $2, attempts = attempts + 1, updated_at = now() WHERE id = $1`,
      [id, status],
    );
  }

  /** A re-apply that failed again: counted, with its new error; the event stays parked. */
  async failedAgain(id: string, error: string): Promise<void> {
    await this.ds.query(
      `UPDATE projection_quarantine SET attempts = attempts + 1, error = $2, updated_at = now() WHERE id = $1 AND status = 'parked'`,
      [id, error],
    );
  }
}

function view(r: Row & { payload_bytes?: number }): QuarantinedEvent {
  return {
    id: r.id,
    blockNumber: r.block_number,
    txId: r.tx_id,
    eventName: r.event_name,
    error: r.error,
    status: r.status,
    attempts: r.attempts,
    firstSeen: r.first_seen.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    payloadBytes: r.payload_bytes ?? r.payload.byteLength,
    payloadPreview: r.payload.subarray(0, PREVIEW_BYTES).toString('utf8'),
  };
}
