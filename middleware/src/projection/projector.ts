import type { DataSource, QueryRunner } from 'typeorm';
import { lockEventLog } from '../database/event-log';
import { inTransaction } from '../database/transaction';
import type { LedgerEvent } from '../ledger/ledger.port';
import type { ProjectorRegistry } from './projector-registry';
import { CHANGES_EVENT, type ChangeMeta, type ChangesPayload, type LedgerChange } from './projection.types';

export interface ApplyResult {
  /** `false` when the transaction had already been projected (replayed event): nothing changed. */
  readonly applied: boolean;
  readonly changes: number;
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
 * Applies one ledger event to a read model: `ledger_state`, typed tables, the event log and the
 * checkpoint, all in ONE transaction — a crash leaves either all of it or none. A transaction
 * already in the event log is skipped, so a re-delivered event is never applied twice.
 */
export class Projector {
  constructor(
    private readonly ds: DataSource,
    private readonly registry: ProjectorRegistry,
  ) {}

  apply(event: LedgerEvent, schema = 'public', checkpointName = 'live'): Promise<ApplyResult> {
    const s = quoteSchema(schema);
    return inTransaction(this.ds, async (qr) => {
      let result: ApplyResult = { applied: false, changes: 0 };
      if (event.eventName === CHANGES_EVENT) result = await this.#applyChanges(qr, s, event);
      await qr.query(
        `INSERT INTO ${s}.projection_checkpoint (name, block_number, tx_id, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (name) DO UPDATE SET block_number = excluded.block_number, tx_id = excluded.tx_id, updated_at = now()
         WHERE ${s}.projection_checkpoint.block_number <= excluded.block_number`,
        [checkpointName, event.blockNumber.toString(), event.txId],
      );
      return result;
    });
  }

  async #applyChanges(qr: QueryRunner, s: string, event: LedgerEvent): Promise<ApplyResult> {
    const payload = parseChanges(event.payload);
    await lockEventLog(qr);
    const logged = (await qr.query(
      `INSERT INTO ${s}.events (type, tx_id, block_number, data) VALUES ('ledger.changes', $1, $2, $3)
       ON CONFLICT (tx_id) WHERE type = 'ledger.changes' DO NOTHING RETURNING seq`,
      [event.txId, event.blockNumber.toString(), JSON.stringify({ fn: payload.fn, changes: payload.changes })],
    )) as unknown[];
    if (logged.length === 0) return { applied: false, changes: 0 };
    const meta: ChangeMeta = { txId: event.txId, blockNumber: event.blockNumber, schema: s };
    const latest = lastChangePerKey(payload.changes);
    await this.#generic(qr, latest, meta);
    for (const change of payload.changes) {
      const typed = this.registry.get(change.entity);
      if (!typed) continue;
      if (change.op === 'put') await typed.put(qr, change, meta);
      else await typed.remove(qr, change, meta);
    }
    return { applied: true, changes: payload.changes.length };
  }

  async #generic(qr: QueryRunner, changes: readonly LedgerChange[], meta: ChangeMeta): Promise<void> {
    const puts = changes.filter((c) => c.op === 'put');
    const dels = changes.filter((c) => c.op === 'delete');
    if (puts.length > 0) {
      await qr.query(
        `INSERT INTO ${meta.schema}.ledger_state (entity, id, data, tx_id, block_number)
         SELECT e, i, d, $4, $5 FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS u(e, i, d)
         ON CONFLICT (entity, id) DO UPDATE SET data = excluded.data, tx_id = excluded.tx_id, block_number = excluded.block_number`,
        [
          puts.map((c) => c.entity),
          puts.map((c) => c.id),
          puts.map((c) => JSON.stringify(c.data ?? null)),
          meta.txId,
          meta.blockNumber.toString(),
        ],
      );
    }
    if (dels.length > 0) {
      await qr.query(
        `DELETE FROM ${meta.schema}.ledger_state l USING unnest($1::text[], $2::text[]) AS u(e, i) WHERE l.entity = u.e AND l.id = u.i`,
        [dels.map((c) => c.entity), dels.map((c) => c.id)],
      );
    }
  }
}

/** A transaction may touch a key more than once; the last change is its final state. */
function lastChangePerKey(changes: readonly LedgerChange[]): LedgerChange[] {
  const m = new Map<string, LedgerChange>();
  for (const c of changes) {
    const k = `${c.entity}\u0000${c.id}`;
    m.delete(k);
    m.set(k, c);
  }
  return [...m.values()];
}
