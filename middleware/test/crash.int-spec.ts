import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { hashKey } from '../src/auth/api-keys.service';
import { killHard, startChildApp, type ChildApp } from './support/child-app';
import { testEnv } from './support/test-app';
import { createTestDatabase } from './support/test-db';

jest.setTimeout(120_000);

/** kill -9 the middleware after it acknowledged items but before it submitted them; a restart commits each exactly once. */
describe('outbox crash safety', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let child: ChildApp | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'mw-crash-'));
  });
  afterAll(async () => {
    if (child) await killHard(child);
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits every acknowledged item exactly once after kill -9 between accept and submit', async () => {
    const journal = path.join(dir, 'ledger.jsonl');
    const env = { ...testEnv(db.url), FAKE_LEDGER_JOURNAL: journal };
    // First life: intake only (no batcher), so every acknowledged item is still in the outbox when killed.
    child = await startChildApp({ ...env, WORKERS_ENABLED: 'false' });
    const key = 'mck_crash_test_key_0123456789';
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query(
      `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes) VALUES ('MallAMSP', 'crash', 'x', $1, '{notes:write,intake:read}')`,
      [hashKey(key)],
    );

    const N = 300;
    const acks = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        fetch(`${child!.base}/v1/notes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ id: `crash-${i}`, text: `t${i}` }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { trackingId: string } })),
      ),
    );
    await killHard(child);
    expect(acks.every((a) => a.status === 202)).toBe(true);
    const pending = await pg.query(`SELECT count(*)::int AS n FROM outbox`);
    expect(pending.rows[0]).toEqual({ n: N });

    // Second life with the batcher: drains the outbox.
    child = await startChildApp({ ...env, BATCH_SIZE: '50' });
    const deadline = Date.now() + 60_000;
    let committed = 0;
    while (Date.now() < deadline) {
      const r = await pg.query(`SELECT count(*)::int AS n FROM intake_items WHERE status = 'committed'`);
      committed = (r.rows[0] as { n: number }).n;
      if (committed === N) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(committed).toBe(N);
    await killHard(child);
    child = undefined;

    const submitted = readFileSync(journal, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse((JSON.parse(l) as { args: string[] }).args[0]!) as { id: string }).id);
    expect(submitted).toHaveLength(N);
    expect(new Set(submitted)).toEqual(new Set(Array.from({ length: N }, (_, i) => `crash-${i}`)));
    const tracked = await pg.query(`SELECT tracking_id FROM intake_items WHERE status = 'committed'`);
    expect(new Set(tracked.rows.map((r: { tracking_id: string }) => r.tracking_id))).toEqual(
      new Set(acks.map((a) => a.body.trackingId)),
    );
    await pg.end();
  });
});
