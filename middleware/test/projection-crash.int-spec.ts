import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { FakeLedger } from './support/fake-ledger';
import { killHard, startChildApp, type ChildApp } from './support/child-app';
import { testEnv } from './support/test-app';
import { createTestDatabase } from './support/test-db';

jest.setTimeout(300_000);
/** Starting a child transpiles the whole application: slow on a loaded 2-core machine. */
const START_MS = 90_000;

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** kill -9 of the middleware while its projection transaction has parked a poison event but not yet committed. */
describe('projection quarantine across kill -9', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let child: ChildApp | undefined;
  let pg: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'mw-proj-crash-'));
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    if (child) await killHard(child);
    await pg.end();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => (await pg.query(sql, params)).rows[0] as T;

  it('neither loses nor doubles the parked event, and applies the good ones once', async () => {
    const journal = path.join(dir, 'ledger.jsonl');
    const ledger = new FakeLedger({ journal });
    await ledger.submit('info:PutNote', [JSON.stringify({ id: 'k1', text: 'a' })]);
    const poison = ledger.emitRaw('{"changes": poison');
    await ledger.submit('info:PutNote', [JSON.stringify({ id: 'k2', text: 'b' })]);
    const last = ledger.txs.at(-1)!.txId;
    const env = { ...testEnv(db.url), FAKE_LEDGER_JOURNAL: journal };

    // First life only migrates; then the quarantine insert of the next life holds its transaction open for a while.
    child = await startChildApp({ ...env, WORKERS_ENABLED: 'false' }, START_MS);
    await killHard(child);
    await pg.query(`CREATE SEQUENCE park_once`);
    await pg.query(`CREATE FUNCTION park_slowly() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('park_once') = 1 THEN PERFORM pg_sleep(3); END IF; RETURN NEW; END $$`);
    await pg.query(
      `CREATE TRIGGER park_slowly AFTER INSERT ON projection_quarantine FOR EACH ROW EXECUTE FUNCTION park_slowly()`,
    );

    child = await startChildApp(env, START_MS);
    await until('the projection parking the event', async () =>
      (await one<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep'`)).n > 0
        ? true
        : undefined,
    );
    await killHard(child);
    child = undefined;
    // The killed process's transaction never commits: nothing of it is visible, the checkpoint did not move.
    await until('the orphaned transaction to end', async () =>
      (await one<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep'`)).n === 0
        ? true
        : undefined,
    );
    expect(await one(`SELECT count(*)::int AS n FROM projection_quarantine`)).toEqual({ n: 0 });
    expect(await one(`SELECT count(*)::int AS n FROM projection_checkpoint`)).toEqual({ n: 0 });

    child = await startChildApp(env, START_MS);
    await until('the restarted projection to reach the last transaction', async () =>
      (await pg.query(`SELECT 1 FROM projection_checkpoint WHERE tx_id = $1`, [last])).rowCount === 1
        ? true
        : undefined,
    );
    expect(await one(`SELECT count(*)::int AS n, min(tx_id) AS tx FROM projection_quarantine`)).toEqual({
      n: 1,
      tx: poison.txId,
    });
    expect(await one(`SELECT count(*)::int AS n FROM events WHERE type = 'projection.quarantined'`)).toEqual({ n: 1 });
    expect(await one(`SELECT count(*)::int AS n FROM events WHERE type = 'ledger.changes'`)).toEqual({ n: 2 });
    expect((await pg.query(`SELECT id, text FROM notes ORDER BY id`)).rows).toEqual([
      { id: 'k1', text: 'a' },
      { id: 'k2', text: 'b' },
    ]);
  });
});
