import { SplitAdminScope1795320000000 } from '../../migrations/1795320000000-SplitAdminScope';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';
import { startTestApp, type TestApp } from './support/test-app';

describe('scopes per caller role: migrating keys of the retired admin scope', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ WORKERS_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  const plant = async (name: string, scopes: string[]): Promise<string> => {
    const key = `mck_${name}_${Math.random().toString(36).slice(2)}`;
    await t.db.query(
      `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes)
       VALUES ('MallAMSP', $1, 'x', encode(sha256($2::bytea), 'hex'), $3)`,
      [name, key, scopes],
    );
    return key;
  };
  const scopesOf = async (name: string): Promise<string[]> =>
    (await t.db.query<{ scopes: string[] }[]>('SELECT scopes FROM api_keys WHERE name = $1', [name]))[0]!.scopes;

  it('gives an admin key every operator scope by name, every key intake:read, and nothing more', async () => {
    const opsKey = await plant('old-ops', ['admin']);
    const posKey = await plant('old-pos', ['points:read', 'points:write']);
    await plant('old-both', ['admin', 'points:read']);
    const runner = t.db.createQueryRunner();
    try {
      await new SplitAdminScope1795320000000().up(runner);
    } finally {
      await runner.release();
    }
    expect((await scopesOf('old-ops')).sort()).toEqual([...FORMER_ADMIN_SCOPES].sort());
    expect(await scopesOf('old-pos')).toEqual(['points:read', 'points:write', 'intake:read']);
    expect((await scopesOf('old-both')).sort()).toEqual([...FORMER_ADMIN_SCOPES, 'points:read'].sort());
    expect(await scopesOf('old-ops')).not.toContain('pos:write');

    // Nothing breaks for the operator: the migrated key still manages keys, webhooks, notes, the projection.
    for (const url of ['/v1/admin/api-keys', '/v1/subscriptions', '/v1/admin/projection']) {
      expect([url, (await t.app.inject({ url, headers: { 'x-api-key': opsKey } })).statusCode]).toEqual([url, 200]);
    }
    // … and the POS key did not gain any of it.
    expect((await t.app.inject({ url: '/v1/admin/api-keys', headers: { 'x-api-key': posKey } })).statusCode).toBe(403);
  });

  it('reverts to the old scope names (down)', async () => {
    await plant('new-ops', ['keys:admin', 'intake:read']);
    const runner = t.db.createQueryRunner();
    try {
      await new SplitAdminScope1795320000000().down(runner);
    } finally {
      await runner.release();
    }
    expect(await scopesOf('new-ops')).toEqual(['admin']);
    expect(await scopesOf('old-pos')).toEqual(['points:read', 'points:write']);
  });

  it('refuses the retired scope and unknown names when a key is made through the API, storing nothing', async () => {
    const ops = await t.key(['keys:admin']);
    const before = (await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM api_keys'))[0]!.n;
    for (const scopes of [['admin'], ['notes:write', 'root']]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/admin/api-keys',
        headers: { 'x-api-key': ops },
        payload: { name: 'k', scopes },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string }>().message).toMatch(
        /^scopes: each value in scopes must be one of the following values: pos:write, /,
      );
    }
    expect((await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM api_keys'))[0]!.n).toBe(before);
  });
});
