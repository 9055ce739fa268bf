import type { QueryRunner } from 'typeorm';
import { ChaincodeRejectedError, type LedgerPort } from '../ledger/ledger.port';
import { lastChangePerKey } from '../projection/projection-writes';
import type {
  ChangeMeta,
  EntityProjector,
  EntityVerifier,
  LedgerChange,
  MetaChange,
} from '../projection/projection.types';

interface NoteData {
  id: string;
  text: string;
  writtenBy: string;
  writtenAt: string;
}

/** The note a change carries, checked: a wrong shape throws, and the event is quarantined. */
export function noteData(change: LedgerChange): NoteData {
  const d = change.data as Partial<Record<keyof NoteData, unknown>> | null | undefined;
  const fields = ['id', 'text', 'writtenBy', 'writtenAt'] as const;
  for (const f of fields) {
    if (typeof d?.[f] !== 'string') throw new Error(`note ${change.id}: ${f} must be a string`);
  }
  const n = d as NoteData;
  if (change.id !== `note/${n.id}`) throw new Error(`note ${change.id}: data.id ${n.id} does not match the key`);
  if (Number.isNaN(Date.parse(n.writtenAt))) throw new Error(`note ${change.id}: writtenAt must be a date`);
  return n;
}

const noteId = (key: string): string => key.replace(/^note\//, '');

/** Notes on the peer (`info:GetNote`) and in `notes`, for `verify`. */
export const noteVerifier: EntityVerifier = {
  async fromLedger(ledger: LedgerPort, key: string): Promise<unknown> {
    try {
      return JSON.parse(Buffer.from(await ledger.evaluate('info:GetNote', [noteId(key)])).toString('utf8')) as unknown;
    } catch (e) {
      if (e instanceof ChaincodeRejectedError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  },
  async fromTable(qr: QueryRunner, keys: readonly string[]): Promise<Map<string, unknown>> {
    const rows = (await qr.query(`SELECT id, text, written_by, written_at FROM notes WHERE id = ANY($1::text[])`, [
      keys.map(noteId),
    ])) as { id: string; text: string; written_by: string; written_at: Date }[];
    return new Map(
      rows.map((r) => [
        `note/${r.id}`,
        { id: r.id, text: r.text, writtenBy: r.written_by, writtenAt: r.written_at.toISOString() },
      ]),
    );
  },
  async orphans(qr: QueryRunner): Promise<string[]> {
    const rows = (await qr.query(
      `SELECT 'note/' || n.id AS k FROM notes n WHERE NOT EXISTS
         (SELECT 1 FROM ledger_state l WHERE l.entity = 'note' AND l.id = 'note/' || n.id) ORDER BY n.id`,
    )) as { k: string }[];
    return rows.map((r) => r.k);
  },
};

/** `note` entities into the typed `notes` table. */
export const noteProjector: EntityProjector = {
  entity: 'note',
  tables: ['notes'],
  verifier: noteVerifier,
  async put(qr: QueryRunner, change: LedgerChange, meta: ChangeMeta): Promise<void> {
    const n = noteData(change);
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
      const notes = puts.map((c) => noteData(c.change));
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
