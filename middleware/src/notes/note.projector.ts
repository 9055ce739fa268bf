import type { QueryRunner } from 'typeorm';
import type { ChangeMeta, EntityProjector, LedgerChange } from '../projection/projection.types';

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
};
