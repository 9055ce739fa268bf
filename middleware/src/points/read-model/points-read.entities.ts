import { EntitySchema, type EntitySchemaColumnOptions, EntitySchemaOptions } from 'typeorm';
import { type Column, LEDGER_KEY, LOT_COLUMNS, PLAIN_TABLES, type TableSpec } from './points-tables';

// Typed read tables of the points contract, described once in points-tables.ts; the schema itself comes from
// migrations/1795410000000-PointsReadModel.ts (test/schema-drift.int-spec.ts holds the two together).

type Shape = Pick<Column, 'name' | 'type' | 'required'>;
const TX_ID: Shape = { name: 'tx_id', type: 'text' };
const BLOCK_NUMBER: Shape = { name: 'block_number', type: 'bigint' };

/**
 * A read table as TypeORM sees it: the columns by their SQL names, nullable where the record may lack the field, and
 * `ledger_key` unique unless it is the primary key.
 */
function readEntity(spec: Pick<TableSpec, 'table' | 'key' | 'indexes'>, columns: readonly Shape[]): EntitySchema {
  const options = new EntitySchemaOptions<Record<string, unknown>>();
  options.name = spec.table;
  options.tableName = spec.table;
  options.columns = Object.fromEntries(
    columns.map((c): [string, EntitySchemaColumnOptions] => [
      c.name,
      { name: c.name, type: c.type, primary: spec.key.includes(c.name), nullable: c.required === false },
    ]),
  );
  options.indices = [
    ...(columns.includes(LEDGER_KEY) && !spec.key.includes(LEDGER_KEY.name)
      ? [{ name: `${spec.table}_ledger_key`, columns: [LEDGER_KEY.name], unique: true }]
      : []),
    ...Object.entries(spec.indexes ?? {}).map(([name, cols]) => ({ name, columns: [...cols] })),
  ];
  return new EntitySchema(options);
}

/** A plain table: the record's columns, then the ledger key and the last change's transaction and block. */
const plainEntity = (spec: TableSpec): EntitySchema =>
  readEntity(spec, [...spec.columns, LEDGER_KEY, TX_ID, BLOCK_NUMBER]);

/** Lots, live and compacted; `live` is which of the two entities wrote the row last (lots.projector.ts). */
const LOTS = readEntity(
  { table: 'points_lots', key: ['lot_id'], indexes: { points_lots_member: ['member', 'program_id', 'live'] } },
  [...LOT_COLUMNS, { name: 'live', type: 'boolean' }, LEDGER_KEY, TX_ID, BLOCK_NUMBER],
);

/** Each member's total per program, kept by the lots projector. */
const BALANCES = readEntity({ table: 'points_balances', key: ['member', 'program_id'] }, [
  { name: 'member', type: 'text' },
  { name: 'program_id', type: 'text' },
  { name: 'remaining', type: 'bigint' },
  BLOCK_NUMBER,
]);

/** Every points read entity (for the entity list). */
export const POINTS_READ_ENTITIES = [...PLAIN_TABLES.map(plainEntity), LOTS, BALANCES];
