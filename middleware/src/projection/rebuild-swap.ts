import type { QueryRunner } from 'typeorm';

/**
 * Moves the rebuilt tables into `public` in the caller's transaction: the live ones go to `old`
 * (kept until the transaction committed, then dropped by the caller), the rebuilt ones take their
 * place, and their indexes get the names the live ones had (migrations refer to them by name).
 * Quarantine rows: the live ones stay (their `log_seq` points into the live event log); an event the
 * replay parked that the live model did not is added as parked, one the replay applied is marked re-applied.
 */
export async function swapTables(
  qr: QueryRunner,
  rebuilt: string,
  old: string,
  tables: readonly string[],
): Promise<void> {
  const swapped = tables.filter((t) => t !== 'projection_quarantine');
  await qr.query(`LOCK TABLE ${tables.map((t) => `public."${t}"`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
  // Under the locks nobody can move the live checkpoint: if a listener (another instance, or this one before it
  // stopped) applied events after the catch-up, the rebuilt model is behind and swapping would lose them.
  const [behind] = (await qr.query(
    `SELECT 1 AS behind FROM public.projection_checkpoint l LEFT JOIN ${rebuilt}.projection_checkpoint r ON r.name = l.name
     WHERE l.name = 'live' AND (r.name IS NULL OR r.block_number <> l.block_number OR r.tx_id <> l.tx_id)`,
  )) as unknown[];
  if (behind !== undefined) throw new SwapBehindError();
  await qr.query(`CREATE SCHEMA ${old}`);
  for (const t of swapped) {
    await qr.query(`ALTER TABLE public."${t}" SET SCHEMA ${old}`);
    await qr.query(`ALTER TABLE ${rebuilt}."${t}" SET SCHEMA public`);
    await renameIndexes(qr, old, t);
  }
  await qr.query(
    `UPDATE public.projection_quarantine q SET status = 'reapplied', updated_at = now()
     WHERE q.status = 'parked' AND EXISTS (SELECT 1 FROM ${rebuilt}.events e WHERE e.type = 'ledger.changes' AND e.tx_id = q.tx_id)`,
  );
  await qr.query(
    `INSERT INTO public.projection_quarantine (block_number, tx_id, event_name, payload, error, log_seq)
     SELECT r.block_number, r.tx_id, r.event_name, r.payload, r.error, (SELECT coalesce(max(seq), 0) FROM public.events)
     FROM ${rebuilt}.projection_quarantine r ON CONFLICT (tx_id) DO NOTHING`,
  );
}

/** The live checkpoint moved after the catch-up: catch up again and retry. */
export class SwapBehindError extends Error {
  override name = 'SwapBehindError';

  constructor() {
    super('the live projection moved on after the catch-up');
  }
}

/** Gives the indexes of `public.<table>` the names of the indexes with the same definition on `<old>.<table>`. */
async function renameIndexes(qr: QueryRunner, old: string, table: string): Promise<void> {
  const defs = (await qr.query(
    `SELECT n.nspname AS schema, c.relname AS name,
       regexp_replace(pg_get_indexdef(i.indexrelid), '^(CREATE (UNIQUE )?INDEX) \\S+ ON \\S+', '\\1 ON x') AS def
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE t.relname = $1 AND n.nspname IN ('public', $2)`,
    [table, old.replace(/"/g, '')],
  )) as { schema: string; name: string; def: string }[];
  const live = defs.filter((d) => d.schema === 'public');
  for (const o of defs.filter((d) => d.schema !== 'public')) {
    const match = live.find((l) => l.def === o.def);
    if (!match || match.name === o.name) continue;
    // The old index moves out of the way first (index names are unique per schema, the old one is in another).
    await qr.query(`ALTER INDEX public."${match.name}" RENAME TO "${o.name}"`);
  }
}
