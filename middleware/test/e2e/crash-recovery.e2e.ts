/**
 * kill -9 of the production middleware (child process, real ledger, real Postgres) at three points of an item's way
 * to the ledger; after a restart every accepted item is on the ledger exactly once (one `mallchain.changes` put).
 */
import { Client } from 'pg';
import { hashKey } from '../../src/auth/api-keys.service';
import type { LedgerPort } from '../../src/ledger/ledger.port';
import { createTestDatabase } from '../support/test-db';
import { requireNetwork, uniqueId } from '../ledger/network';
import { killHard, type ChildApp } from '../support/child-app';
import { call, poll } from './support/http';
import { eventsSince, notePuts, openChecker, putNote } from './support/ledger-check';
import { startRealChild } from './support/real-app';
import { realEnv } from './support/real-env';

const N = 12;
const KEY = `mck_e2e_crash_${Math.random().toString(36).slice(2)}`;

interface Row {
  tracking_id: string;
  natural_key: string;
  status: string;
  tx_id: string | null;
  has_envelope: boolean;
}

const CASES = [
  { when: 'between accept and submit', crash: { WORKERS_ENABLED: 'false' }, selfKill: false },
  { when: 'after the tx ID was recorded, before it was sent', crash: { E2E_CRASH_AT: 'after-record' }, selfKill: true },
  {
    when: 'after the submit returned, before its result was saved',
    crash: { E2E_CRASH_AT: 'after-submit' },
    selfKill: true,
  },
] as const;

describe('kill -9 of the middleware on the dev network', () => {
  let networkFile: string;
  let checker: LedgerPort;
  let child: ChildApp | undefined;

  beforeAll(async () => {
    networkFile = requireNetwork();
    checker = await openChecker(networkFile);
  });
  afterAll(async () => {
    if (child) await killHard(child);
    checker.close();
  });

  it.each(CASES)('$when: after a restart every accepted item is committed exactly once', async (c) => {
    const db = await createTestDatabase();
    const pg = new Client({ connectionString: db.url });
    try {
      const start = await putNote(checker, uniqueId('crash-start'), 'before the crash test');
      // Short lease: the restarted process may claim the rows the killed one held soon after.
      const env = realEnv(networkFile, db.url, {
        extra: { BATCH_SIZE: String(N), BATCH_WAIT_MS: '1000', BATCH_LEASE_MS: '3000' },
      });

      // First life: accepts, then dies at the chosen point.
      child = await startRealChild({ ...env, ...c.crash });
      await pg.connect();
      await pg.query(
        `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes) VALUES ('MallAMSP', 'crash', 'x', $1, '{notes:write,notes:read,intake:read}')`,
        [hashKey(KEY)],
      );
      const ids = Array.from({ length: N }, (_, i) => uniqueId(`crash${i}`));
      const acks = await Promise.all(
        ids.map((id) => call(child!.base, KEY, 'POST', '/v1/notes', { id, text: `t-${id}` })),
      );
      expect(acks.map((a) => a.status)).toEqual(ids.map(() => 202));
      if (c.selfKill) {
        let timer: NodeJS.Timeout | undefined;
        const how = await Promise.race([
          child.exited,
          new Promise((r) => (timer = setTimeout(r, 90_000, 'still running'))),
        ]);
        clearTimeout(timer);
        expect(how).toBe('SIGKILL');
      } else {
        await killHard(child);
      }
      child = undefined;

      const rows = async (): Promise<Row[]> =>
        (
          await pg.query<Row>(
            // The envelope is kept once per transaction (intake_tx_envelopes), or on the item by older versions.
            `SELECT i.tracking_id, i.natural_key, i.status, i.tx_id,
                    (i.tx_envelope IS NOT NULL OR e.tx_id IS NOT NULL) AS has_envelope
               FROM intake_items i LEFT JOIN intake_tx_envelopes e ON e.tx_id = i.tx_id`,
          )
        ).rows;
      const before = await rows();
      // Nothing was settled in the first life: the crash came before any result was saved.
      expect(before.map((r) => r.status)).toEqual(ids.map(() => 'pending'));
      const recorded = before.filter((r) => r.tx_id !== null);
      const firstTx = new Map(recorded.map((r) => [r.natural_key, r.tx_id]));
      const committedInFirstLife = new Set<string>();
      for (const r of recorded) {
        if ((await checker.txStatus(r.tx_id!)).validationCode === 'VALID') committedInFirstLife.add(r.natural_key);
      }
      if (c.when.startsWith('between')) expect(recorded).toEqual([]);
      if (c.when.startsWith('after the tx ID')) {
        // Recorded with the signed envelope before anything was sent.
        expect(recorded.length).toBeGreaterThan(0);
        expect(recorded.every((r) => r.has_envelope)).toBe(true);
      }
      if (c.when.startsWith('after the submit')) expect(committedInFirstLife.size).toBeGreaterThan(0);

      // Second life: drains the outbox, asking the ledger about what the first life had sent.
      child = await startRealChild(env);
      const after = await poll(
        'all items committed after the restart',
        async () => {
          const r = await rows();
          return r.every((x) => x.status === 'committed') ? r : undefined;
        },
        120_000,
        250,
      );
      await killHard(child);
      child = undefined;

      const puts = notePuts(await eventsSince(checker, start.blockNumber, uniqueId('crash-fence')), ids);
      const finalTx = new Map(after.map((r) => [r.natural_key, r.tx_id]));
      for (const id of ids) {
        expect({ id, puts: puts.get(id) }).toEqual({ id, puts: [finalTx.get(id)] });
        const note = JSON.parse(new TextDecoder().decode(await checker.evaluate('info:GetNote', [id]))) as object;
        expect(note).toMatchObject({ id, text: `t-${id}`, writtenBy: 'MallAMSP' });
      }
      // What the first life had signed is what committed: the same transaction, never a second one.
      for (const [id, txId] of firstTx) expect({ id, txId: finalTx.get(id) }).toEqual({ id, txId });
      for (const id of committedInFirstLife) expect(finalTx.get(id)).toBe(firstTx.get(id));
      expect(after.every((r) => !r.has_envelope)).toBe(true);
    } finally {
      await pg.end().catch(() => undefined);
      await db.drop();
    }
  });
});
