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
   * Logs the events and applies the changes of those not logged before; returns those. A transaction in the
   * quarantine is skipped too (it is the admin's), except by the re-apply itself (`extra`).
   *
   * The log is written first, under the event-log lock (`lockEventLog`, held until commit): the typed writes then
   * run with the lock already held. Taking it last instead was measured slower under load — projection, commits and
   * acknowledgements (docs/bench-pos.md, 2026-12-04), likely because the projection then held its row locks while it
   * queued behind the intake's settles for the lock. The caller also holds the projection lock (`lockProjection`).
   */
  async apply(qr: QueryRunner, s: string, parsed: readonly Parsed[], extra?: LogExtra): Promise<Parsed[]> {
    if (parsed.length === 0) return [];
    const fresh = await this.#logNew(qr, s, parsed, extra);
    const changes = fresh.flatMap((p) =>
      p.payload.changes.map((change) => ({
        change,
        meta: { txId: p.event.txId, blockNumber: p.event.blockNumber, schema: s },
      })),
    );
    await this.changes(qr, s, changes);
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

  /** Appends the events to the log in ledger order; returns those not logged before (the ones to apply), once each. */
  async #logNew(qr: QueryRunner, s: string, parsed: readonly Parsed[], extra?: LogExtra): Promise<Parsed[]> {
    await lockEventLog(qr);
    const logged = (await qr.query(
      `INSERT INTO ${s}.events (type, tx_id, block_number, data)
       SELECT 'ledger.changes', t, b, d FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) WITH ORDINALITY AS u(t, b, d, o)
       ${extra ? '' : `WHERE NOT EXISTS (SELECT 1 FROM ${s}.projection_quarantine q WHERE q.tx_id = u.t)`}
       ORDER BY o
       ON CONFLICT (tx_id) WHERE type = 'ledger.changes' DO NOTHING RETURNING tx_id`,
      [
        parsed.map((p) => p.event.txId),
        parsed.map((p) => p.event.blockNumber.toString()),
        parsed.map((p) => JSON.stringify({ fn: p.payload.fn, changes: p.payload.changes, ...extra })),
      ],
    )) as { tx_id: string }[];
    const fresh = new Set(logged.map((r) => r.tx_id));
    // An event delivered twice in one batch is logged once, and applied once.
    return parsed.filter((p) => fresh.delete(p.event.txId));
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
