// SQL of the outbox state machine (see docs/middleware.md, "Intake state machine"). Every write of a batcher names
// its claim's token (`claimed_by`): a holder whose lease was taken over matches no row and changes nothing.
// Statements that change rows and must report which ones are written as `WITH x AS (... RETURNING) SELECT`:
// TypeORM answers a bare UPDATE with [rows, count] instead of the rows.

/**
 * Ready rows, oldest first. A row with an ordering key is ready when every earlier row of its key still in the outbox
 * is ready too (the run of its key from the head, at most `$2` rows long including it) and no earlier item of its key
 * is dead (`queue_seq`: requeued items keep their place): a claim takes a key's consecutive items together, in order,
 * or none of them while one before is claimed, backing off or waiting on its dependency. A row with a dependency
 * waits until that item (by kind and natural key, perhaps not arrived yet) has committed. Claims are serialised
 * (CLAIM_LOCK): rows another claim has selected but not yet marked look unclaimed here.
 *
 * One pass over a prefix of the outbox (`scope`: its first `$3` rows by ID; the store widens it until the claim is
 * full or the prefix is the whole outbox, see `selectReady`). Whether a row may be taken depends only on rows before
 * it, so the answer on a prefix is the answer on the whole outbox for the rows in it. The keyed rows of the scope are
 * ranked in their key (`place`) and count the rows of their key up to and including them that are not ready
 * (`blocked`: in flight, backing off, or waiting on a dependency), so a key whose head is in flight gives nothing and
 * a run ends before its first row that is not ready; only rows within the first `$2` of their key with nothing
 * blocked are checked against the dead items (`runs`). A dependency is one probe of the (kind, natural key) index per
 * row that has one (LATERAL ... LIMIT 1, never a scan of all committed items). Window functions and FOR UPDATE cannot
 * share a level, so the outer scan (`locked`) walks the outbox in ID order, takes unkeyed rows and the rows in `runs`,
 * re-checks a row's own state and dependency on the version it locks (FOR UPDATE OF o SKIP LOCKED), and stops at
 * `$1`. A row of a run it could not take (locked by another transaction: a stale holder renewing or backing off a row
 * whose lease ran out, an operator's requeue; or changed since the snapshot) is a gap: the rows of that key after the
 * gap are left (`gap`), so a key is only ever claimed from its head on (test/intake/locked-head.int-spec.ts). Their
 * locks go at the claim's commit. Its equality with the per-row form it replaced, where no other transaction holds a
 * row, is a property test (test/intake/select-ready-equivalence.int-spec.ts).
 */
export const SELECT_READY = `
  WITH scope AS (
    SELECT s.id, s.ordering_key, s.available_at, s.claimed_until, s.after_kind, s.after_key FROM outbox s
    ORDER BY s.id LIMIT $3),
  keyed AS (
    SELECT s.id, s.ordering_key,
           row_number() OVER w AS place,
           count(*) FILTER (WHERE s.available_at > now() OR s.claimed_until >= now()
                                  OR s.after_key IS NOT NULL AND dep.ok IS NULL) OVER w AS blocked
    FROM scope s
    LEFT JOIN LATERAL (SELECT true AS ok FROM intake_items a WHERE a.kind = s.after_kind AND a.natural_key = s.after_key
                         AND a.status = 'committed' LIMIT 1) dep ON s.after_key IS NOT NULL
    WHERE s.ordering_key IS NOT NULL
    WINDOW w AS (PARTITION BY s.ordering_key ORDER BY s.id)),
  runs AS (
    SELECT k.id FROM keyed k
    WHERE k.place <= $2 AND k.blocked = 0
      AND NOT EXISTS (SELECT 1 FROM intake_items d
                      WHERE d.status = 'dead' AND d.ordering_key = k.ordering_key AND d.queue_seq < k.id)),
  locked AS (
    SELECT o.id, o.ordering_key, extract(epoch from (now() - o.available_at)) * 1000 AS age_ms FROM outbox o
    LEFT JOIN LATERAL (SELECT true AS ok FROM intake_items a WHERE a.kind = o.after_kind AND a.natural_key = o.after_key
                         AND a.status = 'committed' LIMIT 1) dep ON o.after_key IS NOT NULL
    WHERE o.id IN (SELECT s.id FROM scope s)
      AND o.available_at <= now() AND (o.claimed_until IS NULL OR o.claimed_until < now())
      AND (o.ordering_key IS NULL OR o.id IN (SELECT r.id FROM runs r))
      AND (o.after_key IS NULL OR dep.ok IS NOT NULL)
    ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED),
  gap AS (
    SELECT k.ordering_key, min(k.id) AS first_gap FROM keyed k
    WHERE k.id IN (SELECT r.id FROM runs r)
      AND k.ordering_key IN (SELECT l.ordering_key FROM locked l)
      AND k.id NOT IN (SELECT l.id FROM locked l)
    GROUP BY k.ordering_key)
  SELECT l.id, l.age_ms FROM locked l LEFT JOIN gap g ON g.ordering_key = l.ordering_key
  WHERE g.first_gap IS NULL OR l.id < g.first_gap
  ORDER BY l.id`;

/** Whether the outbox has at least `$1` rows (a SELECT_READY scope of `$1` rows may have left some out). */
export const HAS_ROWS = `SELECT count(*) = $1::bigint AS more FROM (SELECT 1 FROM outbox ORDER BY id LIMIT $1::bigint) s`;

/**
 * A claim's statements are short index walks whose estimated cost can pass `jit_above_cost` on a long outbox: JIT
 * compilation then costs more than the query (hundreds of ms measured, docs/bench-intake.md). Off for the claim only.
 */
export const NO_JIT = `SET LOCAL jit = off`;

/** Taken first in every claim transaction, held to its commit: two claims never interleave (see SELECT_READY). */
export const CLAIM_LOCK = `SELECT pg_advisory_xact_lock(hashtext('mallchain.outbox.claim'))`;

export const CLAIM = `
  WITH c AS (UPDATE outbox SET claimed_until = now() + make_interval(secs => $2::double precision / 1000),
               claimed_by = $3::uuid
             WHERE id = ANY($1::bigint[]) RETURNING id, tracking_id, ordering_key)
  SELECT c.id AS outbox_id, i.tracking_id, i.kind, i.natural_key, i.fn, i.args, i.attempts, i.created_at,
         i.tx_id, coalesce(e.envelope, i.tx_envelope) AS tx_envelope, i.tx_sent_at, c.ordering_key
  FROM c JOIN intake_items i ON i.tracking_id = c.tracking_id
  LEFT JOIN intake_tx_envelopes e ON e.tx_id = i.tx_id
  ORDER BY c.id`;

/** Gives rows held under `$2` back unsent, as if never claimed (no attempt, no error, no delay). */
export const UNCLAIM = `
  UPDATE outbox SET claimed_until = NULL, claimed_by = NULL
   WHERE tracking_id = ANY($1::uuid[]) AND claimed_by = $2::uuid`;

/** Extends the lease of rows still held under `$2`; answers the ones that are. */
export const RENEW = `
  WITH r AS (UPDATE outbox SET claimed_until = now() + make_interval(secs => $3::double precision / 1000)
             WHERE tracking_id = ANY($1::uuid[]) AND claimed_by = $2::uuid RETURNING tracking_id)
  SELECT tracking_id FROM r`;

/**
 * The transaction an item is about to be sent as, only while the sender holds a live lease on it. `FOR UPDATE` on
 * the outbox row waits for a concurrent claim and re-reads the row after it: a take-over always wins. The envelope
 * is kept once per transaction (`intake_tx_envelopes`), given on any one of its items (the others may pass NULL),
 * and only when one of its items was recorded.
 */
export const RECORD_SENT = `
  WITH u AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::uuid[]) AS u(id, tx_id, envelope, token)),
  own AS (SELECT o.tracking_id FROM outbox o JOIN u ON o.tracking_id = u.id AND o.claimed_by = u.token
          WHERE o.claimed_until > now() FOR UPDATE OF o),
  r AS (UPDATE intake_items i SET tx_id = u.tx_id, tx_envelope = NULL, tx_sent_at = now(), updated_at = now()
        FROM u WHERE i.tracking_id = u.id AND i.status = 'pending' AND i.tracking_id IN (SELECT tracking_id FROM own)
        RETURNING i.tracking_id, i.tx_id),
  env AS (INSERT INTO intake_tx_envelopes (tx_id, envelope)
          SELECT DISTINCT ON (u.tx_id) u.tx_id, u.envelope FROM u
          WHERE u.envelope IS NOT NULL AND u.tx_id IN (SELECT tx_id FROM r)
          ORDER BY u.tx_id
          ON CONFLICT (tx_id) DO NOTHING)
  SELECT tracking_id FROM r`;

/**
 * Envelopes no pending item names any more: those of the transactions of the items `$1` just settled, and any
 * left behind for ten minutes (an item committed under another transaction ID than the one recorded, or two
 * settles of one transaction's items that each saw the other still pending). Run after the settle has committed, in
 * a statement of its own: it never holds the event-log lock the settle takes, and a failure only leaves orphans.
 */
export const SWEEP_ENVELOPES = `
  DELETE FROM intake_tx_envelopes e
   WHERE e.tx_id IN (SELECT i.tx_id FROM intake_items i WHERE i.tracking_id = ANY($1::uuid[]) AND i.tx_id IS NOT NULL
                     UNION ALL
                     (SELECT o.tx_id FROM intake_tx_envelopes o
                       WHERE o.recorded_at < now() - interval '10 minutes'
                         AND NOT EXISTS (SELECT 1 FROM intake_items p WHERE p.tx_id = o.tx_id AND p.status = 'pending')
                       ORDER BY o.recorded_at LIMIT 100))
     AND NOT EXISTS (SELECT 1 FROM intake_items p WHERE p.tx_id = e.tx_id AND p.status = 'pending')`;

/**
 * Settling an item under its holder's token. The outbox row is locked (`own`, waiting for a concurrent claim as in
 * RECORD_SENT), the item updated only while still pending (`r`), and the outbox row deleted only for the items that
 * update reached (`gone`): a settle that changed nothing leaves the row to whoever settles the item.
 */
export const SETTLE_COMMITTED = `
  WITH u AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[]) AS u(id, token, tx_id, block)),
  own AS (SELECT o.tracking_id FROM outbox o JOIN u ON o.tracking_id = u.id AND o.claimed_by = u.token FOR UPDATE OF o),
  r AS (UPDATE intake_items i SET status = 'committed', tx_id = u.tx_id, block_number = u.block,
          attempts = i.attempts + 1, committed_at = now(), updated_at = now(), error_code = NULL, last_error = NULL,
          tx_envelope = NULL
        FROM u WHERE i.tracking_id = u.id AND i.status = 'pending' AND i.tracking_id IN (SELECT tracking_id FROM own)
        RETURNING i.tracking_id, i.kind, i.natural_key, i.tx_id, i.block_number::text AS block_number),
  gone AS (DELETE FROM outbox o USING r WHERE o.tracking_id = r.tracking_id RETURNING o.tracking_id)
  SELECT r.* FROM r JOIN gone USING (tracking_id)`;

/**
 * Dead keeps `tx_id` (a later commit of it corrects the item) and records the reason in the history. A released
 * item (`$5`) also leaves its ordering key (`ordering_key` cleared, `released` in its history): it no longer holds
 * the key's later items (SELECT_READY).
 */
export const SETTLE_DEAD = `
  WITH u AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::boolean[])
             AS u(id, token, code, reason, release)),
  own AS (SELECT o.tracking_id FROM outbox o JOIN u ON o.tracking_id = u.id AND o.claimed_by = u.token FOR UPDATE OF o),
  r AS (UPDATE intake_items i SET status = 'dead', error_code = u.code, last_error = u.reason,
          attempts = i.attempts + 1, updated_at = now(), tx_envelope = NULL,
          ordering_key = CASE WHEN u.release THEN NULL ELSE i.ordering_key END,
          history = i.history || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
            'status', 'dead', 'at', now(), 'code', u.code, 'reason', u.reason, 'txId', i.tx_id,
            'released', CASE WHEN u.release THEN i.ordering_key END)))
        FROM u WHERE i.tracking_id = u.id AND i.status = 'pending' AND i.tracking_id IN (SELECT tracking_id FROM own)
        RETURNING i.tracking_id, i.kind, i.natural_key, i.error_code, i.last_error, u.release AS released),
  gone AS (DELETE FROM outbox o USING r WHERE o.tracking_id = r.tracking_id RETURNING o.tracking_id)
  SELECT r.* FROM r JOIN gone USING (tracking_id)`;

/** A dead, released item gives its natural key up (see OutboxStore.freeReleased). */
export const FREE_RELEASED = `
  WITH r AS (UPDATE intake_items SET natural_key = natural_key || '!refused:' || tracking_id, updated_at = now(),
               history = history || jsonb_build_array(jsonb_build_object('status', 'dead', 'at', now(),
                 'reason', 'natural key ' || natural_key || ' given to a new item (the ledger refused this one)'))
             WHERE kind = $1 AND natural_key = $2 AND status = 'dead' AND history -> -1 ->> 'released' IS NOT NULL
               -- The ledger refuses a seq that is not above the device's last one: given back after a later seq of
               -- the device is pending or anchored, it would die DEVICE_SEQ and hold the device's queue. It stays taken.
               AND NOT EXISTS (
                 SELECT 1 FROM intake_items l
                 WHERE l.kind = $1 AND l.status <> 'dead' AND l.ordering_key = intake_items.history -> -1 ->> 'released'
                   AND substring(l.natural_key from '#([0-9]+)$')::numeric > substring($2 from '#([0-9]+)$')::numeric)
             RETURNING tracking_id)
  SELECT tracking_id FROM r`;

/**
 * Back to the queue after `delay`; the lease is released only by its holder. The first retry after the item has
 * been pending `$6` ms marks it stalled (`newly_stalled`: append `intake.stalled` once).
 */
export const SETTLE_RETRY = `
  WITH u AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::boolean[], $5::double precision[])
             AS u(id, token, reason, counted, delay)),
  own AS (UPDATE outbox o SET claimed_until = NULL, claimed_by = NULL,
            available_at = now() + make_interval(secs => u.delay / 1000)
          FROM u WHERE o.tracking_id = u.id AND o.claimed_by = u.token RETURNING o.tracking_id),
  r AS (UPDATE intake_items i SET attempts = i.attempts + u.counted::int, last_error = u.reason, updated_at = now(),
          stalled_at = CASE WHEN i.stalled_at IS NULL AND i.created_at <= now() - make_interval(secs => $6::double precision / 1000)
                            THEN now() ELSE i.stalled_at END
        FROM u WHERE i.tracking_id = u.id AND i.status = 'pending' AND i.tracking_id IN (SELECT tracking_id FROM own)
        RETURNING i.tracking_id, i.kind, i.natural_key, i.last_error, i.created_at, i.stalled_at = now() AS newly_stalled)
  SELECT * FROM r`;

/** Pending items accepted longer than `$1` ms ago, and the age of the oldest. */
export const STALLED = `
  SELECT count(*)::int AS n, coalesce(max(extract(epoch from (now() - i.created_at)) * 1000), 0)::float8 AS oldest_ms
  FROM outbox o JOIN intake_items i ON i.tracking_id = o.tracking_id
  WHERE i.created_at <= now() - make_interval(secs => $1::double precision / 1000)`;

/** Dead items that were sent at least once (their transaction may still turn up committed), one page after a cursor. */
export const DEAD_WITH_TX = `
  SELECT tracking_id, tx_id, updated_at FROM intake_items
  WHERE status = 'dead' AND tx_id IS NOT NULL AND (updated_at, tracking_id) > ($1::timestamptz, $2::uuid)
  ORDER BY updated_at, tracking_id LIMIT $3`;

/**
 * Items pending in the outbox longer than `$1` ms that were never reported stalled — waiting on their key or a
 * dependency (never claimed) as well as retrying: each is marked once (`intake.stalled` once).
 */
export const MARK_STALLED = `
  WITH s AS (UPDATE intake_items i SET stalled_at = now() FROM outbox o
             WHERE o.tracking_id = i.tracking_id AND i.status = 'pending' AND i.stalled_at IS NULL
               AND i.created_at <= now() - make_interval(secs => $1::double precision / 1000)
             RETURNING i.tracking_id, i.kind, i.natural_key, i.created_at, i.last_error, o.ordering_key, o.after_kind,
                       o.after_key)
  SELECT * FROM s`;

/** The ledger says the dead item's transaction committed: it is committed (the dead reason stays in the history). */
export const CORRECT_DEAD = `
  WITH r AS (UPDATE intake_items i SET status = 'committed', block_number = $3::bigint, committed_at = now(),
               updated_at = now(), error_code = NULL, last_error = NULL,
               history = i.history || jsonb_build_array(jsonb_build_object(
                 'status', 'committed', 'at', now(), 'txId', i.tx_id, 'reason', 'found committed on the ledger'))
             WHERE i.tracking_id = $1::uuid AND i.status = 'dead' AND i.tx_id = $2
             RETURNING i.tracking_id, i.kind, i.natural_key, i.tx_id, i.block_number::text AS block_number, i.history)
  SELECT * FROM r`;
