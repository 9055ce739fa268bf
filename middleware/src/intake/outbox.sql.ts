// SQL of the outbox state machine (see docs/middleware.md, "Intake state machine"). Every write of a batcher names
// its claim's token (`claimed_by`): a holder whose lease was taken over matches no row and changes nothing.
// Statements that change rows and must report which ones are written as `WITH x AS (... RETURNING) SELECT`:
// TypeORM answers a bare UPDATE with [rows, count] instead of the rows.

/**
 * Ready rows, oldest first. A row with an ordering key is ready when every earlier row of its key still in the outbox
 * is ready too (the run of its key from the head, at most `$2` rows before it) and no earlier item of its key is dead
 * (`queue_seq`: requeued items keep their place): a claim takes a key's consecutive items together, in order, or none
 * of them while one before is claimed, backing off or waiting on its dependency. A row with a dependency waits until
 * that item (by kind and natural key, perhaps not arrived yet) has committed. Claims are serialised (CLAIM_LOCK):
 * rows another claim has selected but not yet marked look unclaimed here.
 */
export const SELECT_READY = `
  SELECT o.id, extract(epoch from (now() - o.available_at)) * 1000 AS age_ms FROM outbox o
  WHERE o.available_at <= now() AND (o.claimed_until IS NULL OR o.claimed_until < now())
    AND (o.ordering_key IS NULL OR (
      -- The head first (one row of outbox_ordering, hence its ORDER BY): a key whose head is in flight costs one probe.
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

/** Taken first in every claim transaction, held to its commit: two claims never interleave (see SELECT_READY). */
export const CLAIM_LOCK = `SELECT pg_advisory_xact_lock(hashtext('mallchain.outbox.claim'))`;

export const CLAIM = `
  WITH c AS (UPDATE outbox SET claimed_until = now() + make_interval(secs => $2::double precision / 1000),
               claimed_by = $3::uuid
             WHERE id = ANY($1::bigint[]) RETURNING id, tracking_id, ordering_key)
  SELECT c.id AS outbox_id, i.tracking_id, i.kind, i.natural_key, i.fn, i.args, i.attempts, i.created_at,
         i.tx_id, i.tx_envelope, i.tx_sent_at, c.ordering_key
  FROM c JOIN intake_items i ON i.tracking_id = c.tracking_id ORDER BY c.id`;

/** Extends the lease of rows still held under `$2`; answers the ones that are. */
export const RENEW = `
  WITH r AS (UPDATE outbox SET claimed_until = now() + make_interval(secs => $3::double precision / 1000)
             WHERE tracking_id = ANY($1::uuid[]) AND claimed_by = $2::uuid RETURNING tracking_id)
  SELECT tracking_id FROM r`;

/**
 * The transaction an item is about to be sent as, only while the sender holds a live lease on it. `FOR UPDATE` on
 * the outbox row waits for a concurrent claim and re-reads the row after it: a take-over always wins.
 */
export const RECORD_SENT = `
  WITH u AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::uuid[]) AS u(id, tx_id, envelope, token)),
  own AS (SELECT o.tracking_id FROM outbox o JOIN u ON o.tracking_id = u.id AND o.claimed_by = u.token
          WHERE o.claimed_until > now() FOR UPDATE OF o),
  r AS (UPDATE intake_items i SET tx_id = u.tx_id, tx_envelope = u.envelope, tx_sent_at = now(), updated_at = now()
        FROM u WHERE i.tracking_id = u.id AND i.status = 'pending' AND i.tracking_id IN (SELECT tracking_id FROM own)
        RETURNING i.tracking_id)
  SELECT tracking_id FROM r`;

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

/** Dead keeps `tx_id` (a later commit of it corrects the item) and records the reason in the history. */
export const SETTLE_DEAD = `
  WITH u AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS u(id, token, code, reason)),
  own AS (SELECT o.tracking_id FROM outbox o JOIN u ON o.tracking_id = u.id AND o.claimed_by = u.token FOR UPDATE OF o),
  r AS (UPDATE intake_items i SET status = 'dead', error_code = u.code, last_error = u.reason,
          attempts = i.attempts + 1, updated_at = now(), tx_envelope = NULL,
          history = i.history || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
            'status', 'dead', 'at', now(), 'code', u.code, 'reason', u.reason, 'txId', i.tx_id)))
        FROM u WHERE i.tracking_id = u.id AND i.status = 'pending' AND i.tracking_id IN (SELECT tracking_id FROM own)
        RETURNING i.tracking_id, i.kind, i.natural_key, i.error_code, i.last_error),
  gone AS (DELETE FROM outbox o USING r WHERE o.tracking_id = r.tracking_id RETURNING o.tracking_id)
  SELECT r.* FROM r JOIN gone USING (tracking_id)`;

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
