import type { QueryRunner } from 'typeorm';

/**
 * Taken before appending to `events` and held until commit, so sequence numbers become visible
 * in commit order: a webhook offset never jumps over an event that commits later.
 */
export async function lockEventLog(qr: QueryRunner): Promise<void> {
  await qr.query('SELECT pg_advisory_xact_lock(7301)');
}

/**
 * Taken first by every writer of the read model from ledger events — the live projection's transactions and a
 * quarantine re-apply — and held until commit. It serialises those writers with each other only (the intake and the
 * webhooks never take it): a second instance's projection or a re-apply waits here without holding the event-log
 * lock the intake's settles need. Lock order: this one, then `lockEventLog`.
 */
export async function lockProjection(qr: QueryRunner): Promise<void> {
  await qr.query('SELECT pg_advisory_xact_lock(7302)');
}
