import type { QueryRunner } from 'typeorm';
import { lastChangePerKey } from '../../projection/projection-writes';
import type { LedgerChange, MetaChange } from '../../projection/projection.types';
import { type Column, LEDGER_KEY, type Rec, type TableSpec } from './points-tables';

/** The record a change carries, as an object (anything else is malformed: the event is quarantined). */
export function recordOf(change: LedgerChange): Rec {
  const d = change.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d))
    throw new Error(`${change.entity} ${change.id}: data must be an object`);
  return d as Rec;
}

/** One column's value, checked against its type: a wrong shape throws, naming the entity, key and field. */
export function cell(c: Column, r: Rec, change: LedgerChange): unknown {
  const v = c.from(r, change.id);
  const where = `${change.entity} ${change.id}: ${c.name}`;
  if (v === null) {
    if (c.required === true) throw new Error(`${where} is missing`);
    return null;
  }
  const ok = {
    text: () => typeof v === 'string',
    bigint: () => Number.isSafeInteger(v),
    integer: () => Number.isSafeInteger(v),
    boolean: () => typeof v === 'boolean',
    timestamptz: () => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
    jsonb: () => typeof v === 'string',
  }[c.type]();
  if (!ok) throw new Error(`${where} must be ${c.type === 'timestamptz' ? 'an ISO time' : `a ${c.type}`}`);
  return v;
}

/** Rows of `changes` (puts) as one array per column, the ledger key last, for `unnest`. */
export function columnsOf(columns: readonly Column[], changes: readonly MetaChange[]): unknown[][] {
  const all = [...columns, LEDGER_KEY];
  const cols: unknown[][] = all.map(() => []);
  for (const { change } of changes) {
    const r = recordOf(change);
    all.forEach((c, i) => cols[i]?.push(cell(c, r, change)));
  }
  return cols;
}

/**
 * Upserts rows of a plain table in one statement: `extra` columns (name, type, values) follow the record's;
 * `set` overrides what a conflicting row gets (default: every non-key column from the new row).
 */
export async function upsert(
  qr: QueryRunner,
  schema: string,
  spec: Pick<TableSpec, 'table' | 'key' | 'columns'>,
  changes: readonly MetaChange[],
  extra: readonly { name: string; type: string; values: unknown[] }[] = [],
  where?: string,
): Promise<void> {
  if (changes.length === 0) return;
  const base = [...spec.columns, LEDGER_KEY];
  const names = [...base.map((c) => c.name), 'tx_id', 'block_number', ...extra.map((e) => e.name)];
  const types = [...base.map((c) => c.type), 'text', 'bigint', ...extra.map((e) => e.type)];
  const values = [
    ...columnsOf(spec.columns, changes),
    changes.map((c) => c.meta.txId),
    changes.map((c) => c.meta.blockNumber.toString()),
    ...extra.map((e) => e.values),
  ];
  const quoted = names.map((n) => `"${n}"`);
  const updates = names.filter((n) => !spec.key.includes(n)).map((n) => `"${n}" = excluded."${n}"`);
  await qr.query(
    `INSERT INTO ${schema}."${spec.table}" (${quoted.join(', ')})
     SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
     ON CONFLICT (${spec.key.map((k) => `"${k}"`).join(', ')}) DO UPDATE SET ${updates.join(', ')}
     ${where ?? ''}`,
    values,
  );
}

/** A plain table: each key at its last change in the batch; a `delete` removes the row by its ledger key. */
export async function applyPlain(
  qr: QueryRunner,
  schema: string,
  spec: TableSpec,
  changes: readonly MetaChange[],
): Promise<void> {
  const last = lastChangePerKey(changes);
  await upsert(
    qr,
    schema,
    spec,
    last.filter((c) => c.change.op === 'put'),
  );
  const dels = last.filter((c) => c.change.op === 'delete').map((c) => c.change.id);
  if (dels.length > 0)
    await qr.query(`DELETE FROM ${schema}."${spec.table}" WHERE ledger_key = ANY($1::text[])`, [dels]);
}
