/**
 * kill -9 of the middleware right after a Haide batch's transaction committed, before the POS had its answer
 * (real Postgres, the app in a child process with the fake ledger). The batch is stored whole or not at all; the
 * POS re-pushes it to a new process and gets the original outcome; every receipt has exactly one intake item.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { hashKey } from '../../src/auth/api-keys.service';
import { type ChildApp, killHard, startChildApp } from '../support/child-app';
import { testEnv } from '../support/test-app';
import { createTestDatabase } from '../support/test-db';
import { type Partner, sale, signEnvelope } from './haide-support';

jest.setTimeout(400_000);

const KEY = 'mck_haide_kill_test_key_0123456789';

describe('Haide batch: the process killed between its commit and its answer', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let child: ChildApp | undefined;
  let pg: Client;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    Object.assign(env, testEnv(db.url), {
      PARTNER_SECRET_KEY: randomBytes(32).toString('base64'),
      MEMBER_DATA_KEY: randomBytes(32).toString('base64'),
      WORKERS_ENABLED: 'false',
    });
    pg = new Client({ connectionString: db.url });
  });
  afterAll(async () => {
    if (child) await killHard(child);
    await pg.end();
    await db.drop();
  });

  const call = async (method: string, p: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${child?.base ?? ''}${p}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
    return (await res.json()) as Record<string, unknown>;
  };
  const count = async (sql: string): Promise<number> => (await pg.query<{ n: number }>(sql)).rows[0]?.n ?? -1;

  it('stores the batch whole or not at all; the re-push answers the original outcome, each receipt once', async () => {
    child = await startChildApp(env, 120_000);
    await pg.connect();
    await pg.query(
      `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes)
       VALUES ('MallAMSP', 'kill', 'x', $1, '{points:write,points:read,keys:admin}')`,
      [hashKey(KEY)],
    );
    const partner = (await call('POST', '/v1/admin/partners', {
      kind: 'haide',
      orgCode: 'MALL-A',
      name: 'pos',
    })) as unknown as Partner;
    const till = { merchantId: 'store-0101', tenant: 'Tea House', programId: 'mallA-points', category: 'food' };
    await call('PUT', '/v1/points/tills/MALL-A/P001', till);
    await call('POST', '/v1/points/members', { did: 'did:mallchain:member1', cardNos: ['C0001'] });
    const batch = Array.from({ length: 1000 }, () => sale({ score: 3 }));
    const push = (to: ChildApp): Promise<Response> => {
      const envelope = signEnvelope(partner, { receipts: batch });
      return fetch(`${to.base}/haide/v1/sales`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(envelope),
      });
    };
    // The commit of the batch's transaction is announced to this session (NOTIFY is delivered at commit).
    await pg.query(`
      CREATE FUNCTION test_announce() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('haide_committed', ''); RETURN NULL; END $$;
      CREATE TRIGGER test_announce AFTER INSERT ON haide_receipts FOR EACH STATEMENT EXECUTE FUNCTION test_announce();
      LISTEN haide_committed;`);
    const first = child;
    pg.once('notification', () => {
      first.proc.kill('SIGKILL');
    });
    const answered = await push(first).then(
      (r) => r.status,
      () => 'no answer',
    );
    await killHard(first);
    const stored = await count(`SELECT count(*)::int AS n FROM haide_receipts`);
    process.stdout.write(`HAIDE-KILL first life: ${String(answered)}, ${stored} receipts stored\n`);
    expect([0, 1000]).toContain(stored);
    expect(await count(`SELECT count(*)::int AS n FROM intake_items WHERE kind = 'haide.receipt'`)).toBe(stored);

    child = await startChildApp(env, 120_000);
    const again = (await (await push(child)).json()) as { data: { receipts: { status: string }[] } };
    const expected = stored === 1000 ? 'duplicate' : 'accepted';
    expect(again.data.receipts.map((r) => r.status)).toEqual(batch.map(() => expected));
    const third = (await (await push(child)).json()) as { data: { receipts: { status: string }[] } };
    expect(third.data.receipts.map((r) => r.status)).toEqual(batch.map(() => 'duplicate'));
    expect(await count(`SELECT count(*)::int AS n FROM haide_receipts`)).toBe(1000);
    expect(await count(`SELECT count(*)::int AS n FROM intake_items WHERE kind = 'haide.receipt'`)).toBe(1000);
  });
});
