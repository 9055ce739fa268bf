/**
 * The typed read tables of the points contract: which ledger entity goes to which table, with which columns.
 * Each table keys by what the ledger keys by (no serials: rebuild swaps tables as they are), and carries the
 * transaction and block of the last change (rebuild compares rows up to a block).
 */

/** A Postgres column of a read table and how it is read from the ledger record. */
export interface Column {
  readonly name: string;
  /** Array type for `unnest` (`text`, `bigint`, `integer`, `timestamptz`, `jsonb`, `boolean`). */
  readonly type: 'text' | 'bigint' | 'integer' | 'timestamptz' | 'jsonb' | 'boolean';
  /** The value from the record (`null` for an absent optional field). */
  readonly from: (r: Rec, id: string) => unknown;
  /** A record without this field is malformed (the event is quarantined). */
  readonly required?: boolean;
  /** The record's field (absent for columns that are not one, e.g. the ledger key). */
  readonly field?: string;
}

export type Rec = Readonly<Record<string, unknown>>;

/** One entity's table. */
export interface TableSpec {
  readonly entity: string;
  readonly table: string;
  readonly key: readonly string[];
  readonly columns: readonly Column[];
  /** The record carries the ID of the one transaction that wrote it: the row's `tx_id` (written once). */
  readonly writtenOnce?: boolean;
  /** Secondary indexes for the reads, name → columns (the unique `ledger_key` index is implied). */
  readonly indexes?: Readonly<Record<string, readonly string[]>>;
}

const f =
  (field: string) =>
  (r: Rec): unknown =>
    r[field] ?? null;
const col = (name: string, type: Column['type'], field: string, required = true): Column => ({
  name,
  type,
  from: f(field),
  required,
  field,
});
const json = (name: string, field: string): Column => ({
  name,
  type: 'jsonb',
  from: (r) => JSON.stringify(r[field] ?? null),
  field,
});
/**
 * Every table also has `ledger_key`, the readable ledger key (unique): deletions arrive with the key only, and IDs
 * may contain `/`, so a key cannot be split back into its parts.
 */
export const LEDGER_KEY: Column = { name: 'ledger_key', type: 'text', from: (_r, id) => id, required: true };

export const PROGRAMS: TableSpec = {
  entity: 'program',
  table: 'points_programs',
  key: ['program_id'],
  columns: [
    col('program_id', 'text', 'programId'),
    col('issuer', 'text', 'issuer'),
    col('name', 'text', 'name'),
    col('unit_value_fen', 'integer', 'unitValueFen'),
    json('next_unit_value', 'nextUnitValue'),
    col('expiry_months', 'integer', 'expiryMonths'),
    col('return_window_days', 'integer', 'returnWindowDays'),
    col('created_at', 'timestamptz', 'createdAt'),
    col('updated_at', 'timestamptz', 'updatedAt'),
  ],
};

export const MERCHANTS: TableSpec = {
  entity: 'merchant',
  table: 'points_merchants',
  key: ['merchant_id'],
  columns: [
    col('merchant_id', 'text', 'merchantId'),
    col('mall', 'text', 'mall'),
    col('name', 'text', 'name'),
    col('category', 'text', 'category'),
    col('program_id', 'text', 'programId'),
    col('status', 'text', 'status'),
    col('created_at', 'timestamptz', 'createdAt'),
    col('updated_at', 'timestamptz', 'updatedAt'),
  ],
};

/** Lots, live and compacted (`live = false` once empty: the ledger moved it from `plot` to `plote`). */
export const LOT_COLUMNS: readonly Column[] = [
  col('lot_id', 'text', 'lotId'),
  col('member', 'text', 'member'),
  col('program_id', 'text', 'programId'),
  col('origin', 'text', 'origin'),
  col('source_ref', 'text', 'sourceRef'),
  col('amount', 'bigint', 'amount'),
  col('remaining', 'bigint', 'remaining'),
  col('redeemed', 'bigint', 'redeemed'),
  col('reversed', 'bigint', 'reversed'),
  col('expired', 'bigint', 'expired'),
  col('moved_out', 'bigint', 'movedOut'),
  col('earned_at', 'timestamptz', 'earnedAt'),
  col('available_at', 'timestamptz', 'availableAt'),
  col('expires_at', 'timestamptz', 'expiresAt'),
];

export const ACCRUALS: TableSpec = {
  entity: 'accrual',
  table: 'points_accruals',
  key: ['program_id', 'source_ref'],
  indexes: { points_accruals_member: ['member'] },
  columns: [
    col('program_id', 'text', 'programId'),
    col('source_ref', 'text', 'sourceRef'),
    col('member', 'text', 'member'),
    col('amount', 'bigint', 'amount'),
    col('merchant', 'text', 'merchant', false),
    col('lot_id', 'text', 'lotId'),
    col('reversed', 'bigint', 'reversed'),
    col('earned_at', 'timestamptz', 'earnedAt'),
    col('accrual_tx_id', 'text', 'txId'),
  ],
};

export const REVERSALS: TableSpec = {
  writtenOnce: true,
  entity: 'reversal',
  table: 'points_reversals',
  key: ['program_id', 'reversal_ref'],
  indexes: { points_reversals_source: ['program_id', 'source_ref'] },
  columns: [
    col('program_id', 'text', 'programId'),
    col('reversal_ref', 'text', 'reversalRef'),
    col('source_ref', 'text', 'sourceRef'),
    col('member', 'text', 'member'),
    col('lot_id', 'text', 'lotId'),
    col('amount', 'bigint', 'amount'),
    col('at', 'timestamptz', 'at'),
  ],
};

export const REDEMPTIONS: TableSpec = {
  writtenOnce: true,
  entity: 'redemption',
  table: 'points_redemptions',
  key: ['merchant', 'ref'],
  indexes: { points_redemptions_member: ['member'] },
  columns: [
    col('merchant', 'text', 'merchant'),
    col('ref', 'text', 'ref'),
    col('mall', 'text', 'mall'),
    col('program_id', 'text', 'programId'),
    col('issuer', 'text', 'issuer'),
    col('member', 'text', 'member'),
    col('amount', 'bigint', 'amount'),
    col('value_fen', 'bigint', 'valueFen'),
    json('takes', 'takes'),
    col('clearing_key', 'text', 'clearingKey', false),
    col('at', 'timestamptz', 'at'),
  ],
};

export const CLEARING: TableSpec = {
  writtenOnce: true,
  entity: 'clearing',
  table: 'points_clearing',
  key: ['ledger_key'],
  indexes: { points_clearing_at: ['at'] },
  columns: [
    col('kind', 'text', 'kind'),
    col('debtor', 'text', 'debtor'),
    col('creditor', 'text', 'creditor'),
    col('amount_fen', 'bigint', 'amountFen'),
    col('points', 'bigint', 'points'),
    col('program_id', 'text', 'programId'),
    col('ref', 'text', 'ref'),
    col('at', 'timestamptz', 'at'),
  ],
};

export const STATEMENTS: TableSpec = {
  writtenOnce: true,
  entity: 'statement',
  table: 'points_statements',
  key: ['period_id'],
  columns: [
    col('period_id', 'text', 'periodId'),
    col('period_from', 'timestamptz', 'from'),
    col('period_to', 'timestamptz', 'to'),
    col('entries', 'integer', 'entries'),
    json('gross', 'gross'),
    json('positions', 'positions'),
    json('payments', 'payments'),
    col('closed_by', 'text', 'closedBy'),
    col('closed_at', 'timestamptz', 'closedAt'),
  ],
};

export const CONFIRMATIONS: TableSpec = {
  writtenOnce: true,
  entity: 'confirmation',
  table: 'points_confirmations',
  key: ['period_id', 'mall'],
  columns: [
    col('period_id', 'text', 'periodId'),
    col('mall', 'text', 'mall'),
    col('confirmed_at', 'timestamptz', 'confirmedAt'),
  ],
};

export const RATES: TableSpec = {
  entity: 'rate',
  table: 'points_rates',
  key: ['from_program', 'to_program'],
  columns: [
    col('from_program', 'text', 'fromProgram'),
    col('to_program', 'text', 'toProgram'),
    col('numerator', 'bigint', 'numerator'),
    col('denominator', 'bigint', 'denominator'),
    col('unit_value_fen', 'integer', 'unitValueFen'),
    col('status', 'text', 'status'),
    col('proposed_by', 'text', 'proposedBy'),
    col('approved_by', 'text', 'approvedBy', false),
    col('updated_at', 'timestamptz', 'updatedAt'),
  ],
};

/** History lines; the ledger key sorts a member's lines newest first, and so does the table's key. */
export const HISTORY: TableSpec = {
  writtenOnce: true,
  entity: 'history',
  table: 'points_history',
  key: ['ledger_key'],
  indexes: { points_history_member: ['member', 'ledger_key'] },
  columns: [
    col('member', 'text', 'member'),
    col('type', 'text', 'type'),
    col('program_id', 'text', 'programId'),
    col('points', 'bigint', 'points'),
    col('ref', 'text', 'ref'),
    col('at', 'timestamptz', 'at'),
  ],
};

/** Plain tables: the record's columns, upserted at each key's last change, deleted on `delete`. */
export const PLAIN_TABLES: readonly TableSpec[] = [
  PROGRAMS,
  MERCHANTS,
  ACCRUALS,
  REVERSALS,
  REDEMPTIONS,
  CLEARING,
  STATEMENTS,
  CONFIRMATIONS,
  RATES,
  HISTORY,
];

/**
 * A typed row back in the ledger's shape (what the peer would answer): times as ISO strings, counts as numbers,
 * absent optional fields left out.
 */
export function recordFromRow(
  columns: readonly Column[],
  row: Readonly<Record<string, unknown>>,
  writtenOnce = false,
): Rec {
  const out: Record<string, unknown> = writtenOnce ? { txId: row.tx_id } : {};
  for (const c of columns) {
    if (c.field === undefined) continue;
    const v = row[c.name];
    if (v === null || v === undefined) continue;
    if (c.type === 'timestamptz')
      out[c.field] = v instanceof Date ? v.toISOString() : new Date(v as string).toISOString();
    else if (c.type === 'bigint') out[c.field] = Number(v);
    else out[c.field] = v;
  }
  return out;
}
