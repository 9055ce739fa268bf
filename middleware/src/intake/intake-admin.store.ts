import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { lockEventLog } from '../database/event-log';
import { inTransaction } from '../database/transaction';
import type { IntakeBucketCount, IntakeCount, IntakeWindow } from '../console/api-types';
import type { IntakeHistoryEntry } from './intake-item.entity';
import type { IntakeStatusView } from './intake.types';
import { intakeStatusColumns, toIntakeStatusView, type IntakeStatusRow } from './intake-status.row';

/** An item as an operator sees it: its status, its function and the history of its terminal transitions. */
export interface IntakeAdminView extends IntakeStatusView {
  readonly fn: string;
  readonly orderingKey: string | null;
  readonly history: IntakeHistoryEntry[];
  /** The ledger refused it for good and it gave its ordering key up (a device's seq): it cannot be requeued. */
  readonly released: boolean;
}

/** A dead item that gave its ordering key up (SETTLE_DEAD with release): some entry of its history says so. */
const RELEASED = `EXISTS (SELECT 1 FROM jsonb_array_elements(i.history) h WHERE h ? 'released')`;

const COLUMNS = `${intakeStatusColumns('intake_items')}, fn, ordering_key, history, ${RELEASED.replaceAll('i.history', 'history')} AS released`;

/**
 * Back to `pending` with a new outbox row at the item's own place in its key's order (`queue_seq`), only from
 * `dead`: the tracking ID, the natural key and the recorded transaction ID stay (so the batcher looks that
 * transaction up before sending a new one); the dead reason moves to the history. Never an item that released its
 * ordering key: its place (a device's seq) was given back and may be taken, and without its key it would bypass
 * the order its key's later items keep.
 */
const REQUEUE = `
  WITH r AS (UPDATE intake_items i SET status = 'pending', error_code = NULL, last_error = NULL, stalled_at = NULL,
               updated_at = now(),
               history = i.history || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
                 'status', 'requeued', 'at', now(), 'code', i.error_code, 'reason', i.last_error, 'by', $2::text)))
             WHERE i.tracking_id = $1::uuid AND i.status = 'dead' AND NOT ${RELEASED}
             RETURNING i.tracking_id, i.kind, i.natural_key, i.ordering_key, i.queue_seq, i.after_kind, i.after_key),
  ob AS (INSERT INTO outbox (id, tracking_id, ordering_key, after_kind, after_key)
         SELECT coalesce(queue_seq, nextval('outbox_id_seq')), tracking_id, ordering_key, after_kind, after_key FROM r)
  SELECT tracking_id, kind, natural_key FROM r`;

export type { IntakeBucketCount, IntakeCount } from '../console/api-types';

/** The history windows the summary offers, with their bucket: hours for a day, Asia/Shanghai days beyond. */
export const INTAKE_WINDOWS: Record<IntakeWindow, { hours: number; bucket: 'hour' | 'day' }> = {
  '24h': { hours: 24, bucket: 'hour' },
  '7d': { hours: 168, bucket: 'day' },
  '30d': { hours: 720, bucket: 'day' },
} as const;
export type { IntakeWindow } from '../console/api-types';

const STATE = `CASE WHEN status = 'pending' AND stalled_at IS NOT NULL THEN 'stalled' ELSE status END`;

/** Per bucket and state over the last `$1` hours (`start`: the bucket expression on `created_at`). */
export const SERIES_SQL = (start: string): string =>
  `SELECT ${start} AS start, ${STATE} AS status, count(*)::text AS count FROM intake_items
    WHERE created_at >= now() - make_interval(hours => $1::int) GROUP BY 1, 2 ORDER BY 1, 2`;

/** SQL of the operator's view of the intake: dead (or pending) items, and requeueing a dead one. */
@Injectable()
export class IntakeAdminStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(status: 'dead' | 'pending', limit: number): Promise<IntakeAdminView[]> {
    const rows = await this.ds.query<AdminRow[]>(
      `SELECT ${COLUMNS} FROM intake_items WHERE status = $1 ORDER BY updated_at DESC, tracking_id LIMIT $2`,
      [status, limit],
    );
    return rows.map(toView);
  }

  /** Counts per kind and state (the console's intake flow). */
  async counts(): Promise<IntakeCount[]> {
    const rows = await this.ds.query<{ kind: string; status: IntakeCount['status']; count: string }[]>(
      `SELECT kind, ${STATE} AS status, count(*)::text AS count FROM intake_items GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    return rows.map((r) => ({ kind: r.kind, status: r.status, count: Number(r.count) }));
  }

  /**
   * Items accepted in each bucket of the window, per state they are in now (buckets without items are left out).
   * The window is bounded (at most 30 days) and read through `intake_items_created_at`: a range scan of the window's
   * rows, never the whole table. A day bucket starts at 00:00 Asia/Shanghai, so the first day may be partial.
   */
  async series(window: IntakeWindow): Promise<IntakeBucketCount[]> {
    const { hours, bucket } = INTAKE_WINDOWS[window];
    const start =
      bucket === 'hour'
        ? `date_trunc('hour', created_at)`
        : `date_trunc('day', created_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'`;
    const rows = await this.ds.query<{ start: Date; status: IntakeCount['status']; count: string }[]>(
      SERIES_SQL(start),
      [hours],
    );
    return rows.map((r) => ({ start: r.start.toISOString(), status: r.status, count: Number(r.count) }));
  }

  async find(trackingId: string): Promise<IntakeAdminView | undefined> {
    const rows = await this.ds.query<AdminRow[]>(`SELECT ${COLUMNS} FROM intake_items WHERE tracking_id = $1`, [
      trackingId,
    ]);
    return rows[0] ? toView(rows[0]) : undefined;
  }

  /** `true` when the item was dead and is now pending again (one `intake.requeued` event appended). */
  async requeue(trackingId: string, by: string): Promise<boolean> {
    return inTransaction(this.ds, async (qr) => {
      const rows = (await qr.query(REQUEUE, [trackingId, by])) as {
        tracking_id: string;
        kind: string;
        natural_key: string;
      }[];
      const r = rows[0];
      if (!r) return false;
      await lockEventLog(qr);
      await qr.query(`INSERT INTO events (type, data) VALUES ('intake.requeued', $1::jsonb)`, [
        JSON.stringify({ trackingId: r.tracking_id, kind: r.kind, naturalKey: r.natural_key, by }),
      ]);
      return true;
    });
  }
}

interface AdminRow extends IntakeStatusRow {
  fn: string;
  ordering_key: string | null;
  history: IntakeHistoryEntry[];
  released: boolean;
}

function toView(r: AdminRow): IntakeAdminView {
  return {
    ...toIntakeStatusView(r),
    fn: r.fn,
    orderingKey: r.ordering_key,
    history: r.history,
    released: r.released,
  };
}
