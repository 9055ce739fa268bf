// Outbox and intake states for checking and timing the claim query (SELECT_READY): a description of queued rows,
// dead items and committed dependencies, written straight into a migrated database. Used by
// test/intake/select-ready-equivalence.int-spec.ts and bench/claim.bench.ts.
import type { Client } from 'pg';

/**
 * The claim query before issue 10/11's rewrite: correlated subqueries per queued row (the head of its key, up to `$2`
 * earlier rows of the key, the dead items of the key, its dependency). Kept as the oracle the one-pass query must
 * equal, and as the "old" side of the claim benchmark.
 */
export const OLD_SELECT_READY = `
  SELECT o.id, extract(epoch from (now() - o.available_at)) * 1000 AS age_ms FROM outbox o
  WHERE o.available_at <= now() AND (o.claimed_until IS NULL OR o.claimed_until < now())
    AND (o.ordering_key IS NULL OR (
      CASE WHEN (SELECT h.claimed_until IS NOT NULL AND h.claimed_until >= now() OR h.available_at > now()
                 FROM outbox h WHERE h.ordering_key = o.ordering_key ORDER BY h.ordering_key, h.id LIMIT 1) THEN false
      ELSE (SELECT count(*) < $2 AND bool_and(e.ready) IS NOT FALSE FROM (
         SELECT p.available_at <= now() AND (p.claimed_until IS NULL OR p.claimed_until < now())
                AND (p.after_key IS NULL OR EXISTS (
                  SELECT 1 FROM intake_items a
                  WHERE a.kind = p.after_kind AND a.natural_key = p.after_key AND a.status = 'committed')) AS ready
         FROM outbox p WHERE p.ordering_key = o.ordering_key AND p.id < o.id
         ORDER BY p.ordering_key, p.id LIMIT $2) e) END
      AND NOT EXISTS (SELECT 1 FROM intake_items d
                      WHERE d.status = 'dead' AND d.ordering_key = o.ordering_key AND d.queue_seq < o.id)))
    AND (o.after_key IS NULL OR EXISTS (
      SELECT 1 FROM intake_items a WHERE a.kind = o.after_kind AND a.natural_key = o.after_key AND a.status = 'committed'))
  ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`;

/** When a queued row may be taken, as far as its own columns go. */
export type RowTime =
  | 'ready' // available, never claimed
  | 'expired' // its lease ran out (claimed_until in the past)
  | 'inflight' // claimed, lease live
  | 'backoff'; // back in the queue, available later

export interface QueuedRow {
  /** Outbox ID (ascending in the list, gaps allowed). */
  readonly id: number;
  readonly key: string | null;
  readonly time: RowTime;
  /** Dependency: (kind, natural key) of an item that must be committed first. */
  readonly after?: { readonly kind: string; readonly naturalKey: string };
  /** Seconds the row has been available (its age in the claim). */
  readonly ageS: number;
}

/** An intake item that is not in the outbox (settled, or the target of a dependency). */
export interface OtherItem {
  readonly kind: string;
  readonly naturalKey: string;
  readonly status: 'committed' | 'dead' | 'pending';
  readonly key?: string | null;
  readonly queueSeq?: number | null;
}

export interface ClaimState {
  readonly rows: readonly QueuedRow[];
  readonly items: readonly OtherItem[];
}

/** Replaces the outbox and intake tables' content with `state` (in one transaction, in bulk). */
export async function loadClaimState(pg: Client, state: ClaimState): Promise<void> {
  const time = (t: RowTime): { claimed: string | null; avail: string | null } => {
    switch (t) {
      case 'ready':
        return { claimed: null, avail: null };
      case 'expired':
        return { claimed: '-60', avail: null };
      case 'inflight':
        return { claimed: '3600', avail: null };
      case 'backoff':
        return { claimed: null, avail: '3600' };
    }
  };
  await pg.query('BEGIN');
  try {
    await pg.query('TRUNCATE outbox, intake_items CASCADE');
    const r = state.rows;
    await pg.query(
      `INSERT INTO intake_items (tracking_id, kind, natural_key, content_hash, payload, fn, args, status, ordering_key,
                                 queue_seq, after_kind, after_key)
       SELECT gen_random_uuid(), 'queued', 'row-' || u.id, repeat('0', 64), '{}', 'info:PutNote', '[]', 'pending', u.k,
              u.id, u.ak, u.an
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(id, k, ak, an)`,
      [
        r.map((x) => x.id),
        r.map((x) => x.key),
        r.map((x) => x.after?.kind ?? null),
        r.map((x) => x.after?.naturalKey ?? null),
      ],
    );
    await pg.query(
      `INSERT INTO outbox (id, tracking_id, available_at, claimed_until, ordering_key, after_kind, after_key)
       SELECT u.id, i.tracking_id,
              CASE WHEN u.avail IS NULL THEN now() - make_interval(secs => u.age) ELSE now() + make_interval(secs => u.avail::float8) END,
              CASE WHEN u.claimed IS NULL THEN NULL ELSE now() + make_interval(secs => u.claimed::float8) END,
              u.k, u.ak, u.an
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[])
            AS u(id, k, ak, an, claimed, avail, age)
       JOIN intake_items i ON i.kind = 'queued' AND i.natural_key = 'row-' || u.id`,
      [
        r.map((x) => x.id),
        r.map((x) => x.key),
        r.map((x) => x.after?.kind ?? null),
        r.map((x) => x.after?.naturalKey ?? null),
        r.map((x) => time(x.time).claimed),
        r.map((x) => time(x.time).avail),
        r.map((x) => x.ageS),
      ],
    );
    const it = state.items;
    await pg.query(
      `INSERT INTO intake_items (tracking_id, kind, natural_key, content_hash, payload, fn, args, status, ordering_key,
                                 queue_seq)
       SELECT gen_random_uuid(), u.kind, u.nk, repeat('0', 64), '{}', 'info:PutNote', '[]', u.status, u.k, u.seq
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS u(kind, nk, status, k, seq)`,
      [
        it.map((x) => x.kind),
        it.map((x) => x.naturalKey),
        it.map((x) => x.status),
        it.map((x) => x.key ?? null),
        it.map((x) => x.queueSeq ?? null),
      ],
    );
    await pg.query(`SELECT setval(pg_get_serial_sequence('outbox', 'id'), greatest(1, (SELECT max(id) FROM outbox)))`);
    await pg.query('COMMIT');
  } catch (e) {
    await pg.query('ROLLBACK');
    throw e;
  }
  await pg.query('ANALYZE outbox');
  await pg.query('ANALYZE intake_items');
}

/** Runs `sql` (a claim select) with `[size, keyRunMax]` in a transaction that is rolled back (its locks go). */
export async function selectOnce(
  pg: Client,
  sql: string,
  size: number,
  keyRunMax: number,
): Promise<{ id: string; age_ms: string }[]> {
  await pg.query('BEGIN');
  try {
    return (await pg.query<{ id: string; age_ms: string }>(sql, [size, keyRunMax])).rows;
  } finally {
    await pg.query('ROLLBACK');
  }
}

/** A deterministic pseudo-random generator (mulberry32), so a benchmark state is the same in every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A queue as the anchoring benchmarks see it: `queued` rows over `keys` ordering keys (a tenth unkeyed), a share of
 * keys whose head is in flight or backing off, a few dead items holding their key, a share of rows depending on an
 * item (half of those committed), and `history` committed items that a claim must not scan.
 */
export function benchState(queued: number, keys: number, history: number, seed = 1): ClaimState {
  const rnd = seeded(seed);
  const rows: QueuedRow[] = [];
  const items: OtherItem[] = [];
  const headTime = new Map<string, RowTime>();
  for (let k = 0; k < keys; k++) {
    const x = rnd();
    headTime.set(`key-${k}`, x < 0.3 ? 'inflight' : x < 0.4 ? 'backoff' : 'ready');
  }
  const seen = new Set<string>();
  for (let id = 1; id <= queued; id++) {
    const key = rnd() < 0.1 ? null : `key-${Math.floor(rnd() * keys)}`;
    let t: RowTime = 'ready';
    if (key !== null && !seen.has(key)) {
      seen.add(key);
      t = headTime.get(key) ?? 'ready';
    } else if (key !== null && rnd() < 0.02) t = 'backoff';
    let after: QueuedRow['after'];
    if (rnd() < 0.05) {
      after = { kind: 'dep', naturalKey: `dep-${id}` };
      items.push({ kind: 'dep', naturalKey: `dep-${id}`, status: rnd() < 0.5 ? 'committed' : 'pending' });
    }
    rows.push({ id, key, time: t, ageS: 1 + (queued - id) / 1000, ...(after ? { after } : {}) });
  }
  for (let k = 0; k < keys; k += 50) {
    items.push({
      kind: 'dead',
      naturalKey: `dead-${k}`,
      status: 'dead',
      key: `key-${k}`,
      queueSeq: Math.floor(queued / 2),
    });
  }
  for (let h = 0; h < history; h++) {
    items.push({ kind: 'history', naturalKey: `h-${h}`, status: 'committed', key: `key-${h % keys}`, queueSeq: null });
  }
  return { rows, items };
}
