import type { QueryRunner } from 'typeorm';
import { lockEventLog } from '../database/event-log';
import type { LedgerEvent } from '../ledger/ledger.port';
import type { ProjectorRegistry } from './projector-registry';
import type { ChangesPayload, MetaChange } from './projection.types';

/** A `mallchain.changes` event with its checked payload. */
export interface Parsed {
  readonly event: LedgerEvent;
  readonly payload: ChangesPayload;
}

/** Extra fields of the `ledger.changes` log entry of a re-applied event (its place in ledger order, its origin). */
export interface LogExtra {
  readonly pos: string;
  readonly reapplied: string;
}

/**
 * The SQL of applying parsed events to one read-model schema (`s` is quoted): the event log,
 * the generic `ledger_state`, the typed tables, the checkpoint. Callers own the transaction.
 */
export class ProjectionWrites {
  constructor(private readonly registry: ProjectorRegistry) {}

  /**
   * Applies the changes of the events not logged before, then logs them; returns those. A transaction in the
   * quarantine is skipped too (it is the admin's), except by the re-apply itself (`extra`).
   *
   * The log is written last: appending takes the event-log lock (`lockEventLog`), held until commit, and every
   * writer of `events` (the intake's acknowledgements among them) waits for it; taken first, it was held through
   * all the typed writes. The caller holds the projection lock (`lockProjection`), so no other projecting
   * transaction (a second middleware instance, a re-apply) runs between the check of which events are new and the
   * append. Should a writer without it log one of them in between anyway, the insert logs fewer rows than were
   * applied and the whole transaction is rolled back as a serialization failure (retried from the checkpoint,
   * where those events are then seen as logged), so a change is never applied twice.
   */
  async apply(qr: QueryRunner, s: string, parsed: readonly Parsed[], extra?: LogExtra): Promise<Parsed[]> {
    if (parsed.length === 0) return [];
    const fresh = await this.#unlogged(qr, s, parsed, extra);
    if (fresh.length === 0) return [];
    const changes = fresh.flatMap((p) =>
      p.payload.changes.map((change) => ({
        change,
        meta: { txId: p.event.txId, blockNumber: p.event.blockNumber, schema: s },
      })),
    );
    await this.changes(qr, s, changes);
    await this.#log(qr, s, fresh, extra);
    return fresh;
  }

  /** Changes in ledger order into `ledger_state` and the typed tables. */
  async changes(qr: QueryRunner, s: string, changes: readonly MetaChange[]): Promise<void> {
    await generic(qr, s, lastChangePerKey(changes));
    await this.#typed(qr, s, changes);
  }

  async checkpoint(qr: QueryRunner, s: string, name: string, last: LedgerEvent): Promise<void> {
    await qr.query(
      `INSERT INTO ${s}.projection_checkpoint (name, block_number, tx_id, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (name) DO UPDATE SET block_number = excluded.block_number, tx_id = excluded.tx_id, updated_at = now()
       WHERE ${s}.projection_checkpoint.block_number <= excluded.block_number`,
      [name, last.blockNumber.toString(), last.txId],
    );
  }

  /** The events not in the log yet (nor, unless re-applied, in the quarantine), in their order. */
  async #unlogged(qr: QueryRunner, s: string, parsed: readonly Parsed[], extra?: LogExtra): Promise<Parsed[]> {
    const known = (await qr.query(
      `SELECT e.tx_id FROM ${s}.events e WHERE e.type = 'ledger.changes' AND e.tx_id = ANY($1::text[])
       ${extra ? '' : `UNION SELECT q.tx_id FROM ${s}.projection_quarantine q WHERE q.tx_id = ANY($1::text[])`}`,
      [parsed.map((p) => p.event.txId)],
    )) as { tx_id: string }[];
    const seen = new Set(known.map((r) => r.tx_id));
    const fresh: Parsed[] = [];
    for (const p of parsed) {
      // An event delivered twice in one batch is applied once.
      if (seen.has(p.event.txId)) continue;
      seen.add(p.event.txId);
      fresh.push(p);
    }
    return fresh;
  }

  /** Appends the applied events to the log in ledger order, under the event-log lock (held until commit). */
  async #log(qr: QueryRunner, s: string, fresh: readonly Parsed[], extra?: LogExtra): Promise<void> {
    await lockEventLog(qr);
    const logged = (await qr.query(
      `INSERT INTO ${s}.events (type, tx_id, block_number, data)
       SELECT 'ledger.changes', t, b, d FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) WITH ORDINALITY AS u(t, b, d, o)
       ORDER BY o
       ON CONFLICT (tx_id) WHERE type = 'ledger.changes' DO NOTHING RETURNING tx_id`,
      [
        fresh.map((p) => p.event.txId),
        fresh.map((p) => p.event.blockNumber.toString()),
        fresh.map((p) => JSON.stringify({ fn: p.payload.fn, changes: p.payload.changes, ...extra })),
      ],
    )) as { tx_id: string }[];
    if (logged.length !== fresh.length) throw new ProjectionRaceError(fresh.length - logged.length);
  }

  /** Typed tables: in bulk where the projector can, otherwise change by change, in ledger order. */
  async #typed(qr: QueryRunner, s: string, changes: readonly MetaChange[]): Promise<void> {
    const byEntity = new Map<string, MetaChange[]>();
    for (const c of changes) {
      if (!this.registry.get(c.change.entity)) continue;
      const list = byEntity.get(c.change.entity) ?? [];
      list.push(c);
      byEntity.set(c.change.entity, list);
    }
    for (const [entity, list] of byEntity) {
      const typed = this.registry.get(entity);
      if (!typed) continue;
      if (typed.applyMany) {
        await typed.applyMany(qr, list, s);
        continue;
      }
      for (const { change, meta } of list) {
        if (change.op === 'put') await typed.put(qr, change, meta);
        else await typed.remove(qr, change, meta);
      }
    }
  }
}

/**
 * Another writer logged events this transaction applied, between the check and the insert: a serialization failure
 * (SQLSTATE 40001), so that the projector retries the batch from its checkpoint instead of quarantining an event.
 */
export class ProjectionRaceError extends Error {
  override name = 'ProjectionRaceError';
  readonly code = '40001';
  constructor(readonly events: number) {
    super(`${events} event(s) applied here were logged by a concurrent writer meanwhile: rolled back, to be retried`);
  }
}

/** Generic `ledger_state`: one upsert and one delete for the whole batch (each key at its final state). */
async function generic(qr: QueryRunner, s: string, changes: readonly MetaChange[]): Promise<void> {
  const puts = changes.filter((c) => c.change.op === 'put');
  const dels = changes.filter((c) => c.change.op === 'delete');
  if (puts.length > 0) {
    await qr.query(
      `INSERT INTO ${s}.ledger_state (entity, id, data, tx_id, block_number)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::bigint[])
       ON CONFLICT (entity, id) DO UPDATE SET data = excluded.data, tx_id = excluded.tx_id, block_number = excluded.block_number`,
      [
        puts.map((c) => c.change.entity),
        puts.map((c) => c.change.id),
        puts.map((c) => JSON.stringify(c.change.data ?? null)),
        puts.map((c) => c.meta.txId),
        puts.map((c) => c.meta.blockNumber.toString()),
      ],
    );
  }
  if (dels.length > 0) {
    await qr.query(
      `DELETE FROM ${s}.ledger_state l USING unnest($1::text[], $2::text[]) AS u(e, i) WHERE l.entity = u.e AND l.id = u.i`,
      [dels.map((c) => c.change.entity), dels.map((c) => c.change.id)],
    );
  }
}

/** A key may change more than once in a batch; the last change is its final state. */
export function lastChangePerKey(changes: readonly MetaChange[]): MetaChange[] {
  const m = new Map<string, MetaChange>();
  for (const c of changes) {
    const k = `${c.change.entity}\u0000${c.change.id}`;
    m.delete(k);
    m.set(k, c);
  }
  return [...m.values()];
}
