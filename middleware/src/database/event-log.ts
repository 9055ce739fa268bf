import type { QueryRunner } from 'typeorm';

/**
 * Taken before appending to `events` and held until commit, so sequence numbers become visible
 * in commit order: a webhook offset never jumps over an event that commits later.
 */
export async function lockEventLog(qr: QueryRunner): Promise<void> {
  await qr.query('SELECT pg_advisory_xact_lock(7301)');
}
