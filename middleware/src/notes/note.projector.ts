import type { QueryRunner } from 'typeorm';
import { lastChangePerKey } from '../projection/projector';
import type { ChangeMeta, EntityProjector, LedgerChange, MetaChange } from '../projection/projection.types';

interface NoteData {
  id: string;
  text: string;
  writtenBy: string;
  writtenAt: string;
}

/** `note` entities into the typed `notes` table. */
export const noteProjector: EntityProjector = {
  entity: 'note',
  tables: ['notes'],
  async put(qr: QueryRunner, change: LedgerChange, meta: ChangeMeta): Promise<void> {
    const n = change.data as NoteData;
    await qr.query(
      `INSERT INTO ${meta.schema}.notes (id, text, written_by, written_at, tx_id, block_number) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET text = excluded.text, written_by = excluded.written_by, written_at = excluded.written_at,
         tx_id = excluded.tx_id, block_number = excluded.block_number`,
      [n.id, n.text, n.writtenBy, n.writtenAt, meta.txId, meta.blockNumber.toString()],
    );
  },
  async remove(qr: QueryRunner, change: LedgerChange, meta: ChangeMeta): Promise<void> {
    await qr.query(`DELETE FROM ${meta.schema}.notes WHERE id = $1`, [change.id.replace(/^note\//, '')]);
  },
  /** A batch: each note at its last change, one upsert and one delete. */
  async applyMany(qr: QueryRunner, changes: readonly MetaChange[], schema: string): Promise<void> {
    const last = lastChangePerKey(changes);
    const puts = last.filter((c) => c.change.op === 'put');
    const dels = last.filter((c) => c.change.op === 'delete');
    if (puts.length > 0) {
      const notes = puts.map((c) => c.change.data as NoteData);
      await qr.query(
        `INSERT INTO ${schema}.notes (id, text, written_by, written_at, tx_id, block_number)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::bigint[])
         ON CONFLICT (id) DO UPDATE SET text = excluded.text, written_by = excluded.written_by, written_at = excluded.written_at,
           tx_id = excluded.tx_id, block_number = excluded.block_number`,
        [
          notes.map((n) => n.id),
          notes.map((n) => n.text),
          notes.map((n) => n.writtenBy),
          notes.map((n) => n.writtenAt),
          puts.map((c) => c.meta.txId),
          puts.map((c) => c.meta.blockNumber.toString()),
        ],
      );
    }
    if (dels.length > 0) {
      await qr.query(`DELETE FROM ${schema}.notes WHERE id = ANY($1::text[])`, [
        dels.map((c) => c.change.id.replace(/^note\//, '')),
      ]);
    }
  },
};
