import type { DataSource, QueryRunner } from 'typeorm';
import { lockEventLog } from '../database/event-log';
import { inTransaction } from '../database/transaction';
import type { LedgerEvent } from '../ledger/ledger.port';
import type { ProjectorRegistry } from './projector-registry';
import { CHANGES_EVENT, type ChangesPayload, type MetaChange } from './projection.types';

export interface ApplyResult {
  /** `false` when every transaction had already been projected (replayed events): nothing changed. */
  readonly applied: boolean;
  /** Changes applied (of new transactions). */
  readonly changes: number;
  /** New transactions applied (re-delivered ones are skipped). */
  readonly events: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return `"${schema}"`;
}

export function parseChanges(payload: Uint8Array): ChangesPayload {
  const parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as Partial<ChangesPayload>;
  if (!Array.isArray(parsed.changes) || typeof parsed.fn !== 'string') {
    throw new Error('mallchain.changes payload lacks fn or changes');
  }
  return parsed as ChangesPayload;
}

/**
 * Applies ledger events to a read model: `ledger_state`, typed tables, the event log and the
 * checkpoint, all in ONE transaction — a crash leaves either all of it or none. Many events go into
 * one transaction (a few multi-row statements for the whole batch): a commit per event capped the
 * read model at a few hundred transactions per second. A transaction already in the event log is
 * skipped, so a re-delivered event is never applied twice.
 */
export class Projector {
  constructor(
    private readonly ds: DataSource,
    private readonly registry: ProjectorRegistry,
  ) {}

  /** One event or a batch, in ledger order; the checkpoint moves to the last one. */
  apply(
    events: LedgerEvent | readonly LedgerEvent[],
    schema = 'public',
    checkpointName = 'live',
  ): Promise<ApplyResult> {
    const list: readonly LedgerEvent[] = Array.isArray(events) ? events : [events as LedgerEvent];
    const last = list.at(-1);
    if (!last) return Promise.resolve({ applied: false, changes: 0, events: 0 });
    const s = quoteSchema(schema);
    const parsed = parseAll(list);
    return inTransaction(this.ds, async (qr) => {
      const fresh = parsed.length > 0 ? await this.#logNew(qr, s, parsed) : [];
      const changes = fresh.flatMap((p) =>
        p.payload.changes.map((change) => ({
          change,
          meta: { txId: p.event.txId, blockNumber: p.event.blockNumber, schema: s },
        })),
      );
      await generic(qr, s, lastChangePerKey(changes));
      await this.#typed(qr, s, changes);
      await qr.query(
        `INSERT INTO ${s}.projection_checkpoint (name, block_number, tx_id, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (name) DO UPDATE SET block_number = excluded.block_number, tx_id = excluded.tx_id, updated_at = now()
         WHERE ${s}.projection_checkpoint.block_number <= excluded.block_number`,
        [checkpointName, last.blockNumber.toString(), last.txId],
      );
      return { applied: fresh.length > 0, changes: changes.length, events: fresh.length };
    });
  }

  /** Appends the events to the log in ledger order; returns those not logged before (the ones to apply). */
  async #logNew(qr: QueryRunner, s: string, parsed: readonly Parsed[]): Promise<Parsed[]> {
    await lockEventLog(qr);
    const logged = (await qr.query(
      `INSERT INTO ${s}.events (type, tx_id, block_number, data)
       SELECT 'ledger.changes', t, b, d FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) WITH ORDINALITY AS u(t, b, d, o)
       ORDER BY o
       ON CONFLICT (tx_id) WHERE type = 'ledger.changes' DO NOTHING RETURNING tx_id`,
      [
        parsed.map((p) => p.event.txId),
        parsed.map((p) => p.event.blockNumber.toString()),
        parsed.map((p) => JSON.stringify({ fn: p.payload.fn, changes: p.payload.changes })),
      ],
    )) as { tx_id: string }[];
    const fresh = new Set(logged.map((r) => r.tx_id));
    return parsed.filter((p) => fresh.has(p.event.txId));
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

interface Parsed {
  readonly event: LedgerEvent;
  readonly payload: ChangesPayload;
}

/** The `mallchain.changes` events of a batch, parsed; a transaction delivered twice in one batch counts once. */
function parseAll(events: readonly LedgerEvent[]): Parsed[] {
  const seen = new Set<string>();
  const out: Parsed[] = [];
  for (const event of events) {
    if (event.eventName !== CHANGES_EVENT || seen.has(event.txId)) continue;
    seen.add(event.txId);
    out.push({ event, payload: parseChanges(event.payload) });
  }
  return out;
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
