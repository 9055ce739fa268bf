import type { QueryRunner } from 'typeorm';
import type { ChangeMeta, EntityProjector, LedgerChange, MetaChange } from '../../projection/projection.types';
import { liveLotProjector, spentLotProjector } from './lots.projector';
import { PLAIN_TABLES, type TableSpec } from './points-tables';
import { applyPlain } from './table-writer';

function plainProjector(spec: TableSpec): EntityProjector {
  return {
    entity: spec.entity,
    tables: [spec.table],
    put: (qr: QueryRunner, change: LedgerChange, meta: ChangeMeta) =>
      applyPlain(qr, meta.schema, spec, [{ change, meta }]),
    remove: (qr: QueryRunner, change: LedgerChange, meta: ChangeMeta) =>
      applyPlain(qr, meta.schema, spec, [{ change, meta }]),
    applyMany: (qr: QueryRunner, changes: readonly MetaChange[], schema: string) =>
      applyPlain(qr, schema, spec, changes),
  };
}

/**
 * Every typed projector of the points contract. Entities left to `ledger_state` alone: `lotExpiry` (the chaincode's
 * own sweep index), `nonce`, `breakage`, `transfer`, `exchange`, `consolidation` (their effect is in lots and history), `closedBound`.
 */
export const POINTS_PROJECTORS: readonly EntityProjector[] = [
  ...PLAIN_TABLES.map(plainProjector),
  liveLotProjector,
  spentLotProjector,
];
