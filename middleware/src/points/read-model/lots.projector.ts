import type { QueryRunner } from 'typeorm';
import { lastChangePerKey } from '../../projection/projection-writes';
import type { ChangeMeta, EntityProjector, LedgerChange, MetaChange } from '../../projection/projection.types';
import { LOT_COLUMNS } from './points-tables';
import { cell, recordOf, upsert } from './table-writer';

const LOTS = { table: 'points_lots', key: ['lot_id'], columns: LOT_COLUMNS } as const;
const col = (name: string): (typeof LOT_COLUMNS)[number] => {
  const c = LOT_COLUMNS.find((x) => x.name === name);
  if (!c) throw new Error(`no lot column ${name}`);
  return c;
};

interface LotFacts {
  readonly lotId: string;
  readonly member: string;
  readonly programId: string;
  readonly remaining: number;
}

function facts(change: LedgerChange): LotFacts {
  const r = recordOf(change);
  return {
    lotId: cell(col('lot_id'), r, change) as string,
    member: cell(col('member'), r, change) as string,
    programId: cell(col('program_id'), r, change) as string,
    remaining: cell(col('remaining'), r, change) as number,
  };
}

/**
 * Lots (`lot`: live, `spentLot`: emptied and compacted) into `points_lots`, and each member's total per program into
 * `points_balances`, kept by the difference each lot change makes: no read sums lots or scans the event log.
 *
 * An emptied lot never holds points again, so a live version that arrives after the spent one (both entities of one
 * batch are applied entity by entity, not interleaved) is stale and skipped: the final rows do not depend on how
 * events were batched, which is what makes `rebuild` equal. A `lot` delete is the compaction's first half; the
 * `spentLot` put of the same transaction carries the lot, so the delete itself changes nothing here.
 */
async function applyLots(
  qr: QueryRunner,
  schema: string,
  changes: readonly MetaChange[],
  live: boolean,
): Promise<void> {
  const puts = lastChangePerKey(changes).filter((c) => c.change.op === 'put');
  if (puts.length === 0) return;
  const lots = puts.map((c) => ({ c, f: facts(c.change) }));
  const old = (await qr.query(
    `SELECT lot_id, remaining::float8 AS remaining, live FROM ${schema}.points_lots WHERE lot_id = ANY($1::text[])`,
    [lots.map((l) => l.f.lotId)],
  )) as { lot_id: string; remaining: number; live: boolean }[];
  const before = new Map(old.map((o) => [o.lot_id, o]));
  const fresh = lots.filter((l) => !live || before.get(l.f.lotId)?.live !== false);
  if (fresh.length === 0) return;
  const delta = new Map<string, { member: string; programId: string; d: number; block: bigint }>();
  for (const { c, f } of fresh) {
    const k = `${f.member}\u0000${f.programId}`;
    const b = delta.get(k) ?? { member: f.member, programId: f.programId, d: 0, block: 0n };
    b.d += f.remaining - (before.get(f.lotId)?.remaining ?? 0);
    if (c.meta.blockNumber > b.block) b.block = c.meta.blockNumber;
    delta.set(k, b);
  }
  await upsert(
    qr,
    schema,
    LOTS,
    fresh.map((l) => l.c),
    [{ name: 'live', type: 'boolean', values: fresh.map(() => live) }],
  );
  const rows = [...delta.values()];
  await qr.query(
    `INSERT INTO ${schema}.points_balances (member, program_id, remaining, block_number)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
     ON CONFLICT (member, program_id) DO UPDATE SET remaining = points_balances.remaining + excluded.remaining,
       block_number = GREATEST(points_balances.block_number, excluded.block_number)`,
    [
      rows.map((r) => r.member),
      rows.map((r) => r.programId),
      rows.map((r) => r.d),
      rows.map((r) => r.block.toString()),
    ],
  );
}

function lotProjector(entity: 'lot' | 'spentLot', tables: readonly string[]): EntityProjector {
  const live = entity === 'lot';
  return {
    entity,
    tables,
    put: (qr: QueryRunner, change: LedgerChange, meta: ChangeMeta) =>
      applyLots(qr, meta.schema, [{ change, meta }], live),
    remove: () => Promise.resolve(),
    applyMany: (qr: QueryRunner, changes: readonly MetaChange[], schema: string) =>
      applyLots(qr, schema, changes, live),
  };
}

/** Both halves of a lot's life; the tables are listed once (rebuild copies and compares them). */
export const liveLotProjector = lotProjector('lot', ['points_lots', 'points_balances']);
export const spentLotProjector = lotProjector('spentLot', []);
