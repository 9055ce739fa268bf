import { randomBytes } from 'node:crypto';
import { NonceStore } from '../../src/partners/nonce.store';
import { PartnerCredentialsService } from '../../src/partners/partner-credentials.service';
import { startTestApp, type TestApp } from '../support/test-app';

export const PARTNER_KEY = randomBytes(32).toString('base64');

interface Issued {
  appId: string;
  secret: string;
  kind: string;
  orgCode: string;
}

describe('partner credentials: admin API, sealed secrets, nonce store (real Postgres, HTTP)', () => {
  let t: TestApp;
  let keysAdmin: string;

  beforeAll(async () => {
    t = await startTestApp({ PARTNER_SECRET_KEY: PARTNER_KEY, WORKERS_ENABLED: 'false' });
    keysAdmin = await t.key(['keys:admin']);
  });
  afterAll(() => t.close());

  const call = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    key = keysAdmin,
    payload?: object,
  ): ReturnType<TestApp['app']['inject']> =>
    t.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload ? { payload } : {}) });

  it('issues an appId and a secret once, lists without the secret, and stores the secret sealed', async () => {
    const res = await call('POST', '/v1/admin/partners', keysAdmin, { kind: 'haide', orgCode: 'MALL-A', name: 'pos' });
    expect(res.statusCode).toBe(201);
    const issued = res.json<Issued>();
    expect(issued).toMatchObject({ kind: 'haide', orgCode: 'MALL-A', mallMspId: 'MallAMSP' });
    expect(issued.appId).toMatch(/^hd_[0-9a-f]{24}$/);
    expect(issued.secret.length).toBeGreaterThanOrEqual(43);

    const list = (await call('GET', '/v1/admin/partners')).json<Record<string, unknown>[]>();
    expect(list.find((p) => p.appId === issued.appId)).toBeDefined();
    expect(JSON.stringify(list)).not.toContain(issued.secret);

    const dump = await t.db.query<{ row: string }[]>(`SELECT row_to_json(p)::text AS row FROM partners p`);
    const raw = await t.db.query<{ hex: string }[]>(`SELECT encode(secret_sealed, 'hex') AS hex FROM partners`);
    const text = JSON.stringify(dump) + JSON.stringify(raw);
    expect(text).not.toContain(issued.secret);
    expect(text).not.toContain(Buffer.from(issued.secret).toString('hex'));

    const resolved = await t.app.get(PartnerCredentialsService).resolve(issued.appId);
    expect(resolved?.secret.toString('utf8')).toBe(issued.secret);
  });

  it('refuses a key without keys:admin (even an operator key) and a body naming no orgCode', async () => {
    const admin = await t.key(['ops:admin', 'consortium:admin', 'webhooks']);
    expect((await call('GET', '/v1/admin/partners', admin)).statusCode).toBe(403);
    const bad = await call('POST', '/v1/admin/partners', keysAdmin, { kind: 'haide', name: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toContain('orgCode');
    const huina = await call('POST', '/v1/admin/partners', keysAdmin, { kind: 'huina', name: 'x', orgCode: 'X' });
    expect(huina.statusCode).toBe(400);
    expect(huina.json<{ message: string }>().message).toContain('customerId');
    const rows = await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM partners WHERE name = 'x'`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('rotates (the old secret is gone) and revokes (resolve finds nothing, a second revoke is 404)', async () => {
    const svc = t.app.get(PartnerCredentialsService);
    const issued = (
      await call('POST', '/v1/admin/partners', keysAdmin, { kind: 'huina', customerId: 'C1', name: 'counter' })
    ).json<Issued>();
    expect(issued.appId).toMatch(/^hn_/);
    expect(issued.orgCode).toBe('C1');
    const rotated = await call('POST', `/v1/admin/partners/${issued.appId}/rotate`);
    expect(rotated.statusCode).toBe(200);
    const next = rotated.json<Issued & { rotatedAt: string }>();
    expect(next.secret).not.toBe(issued.secret);
    expect(next.rotatedAt).not.toBeNull();
    expect((await svc.resolve(issued.appId))?.secret.toString()).toBe(next.secret);

    expect((await call('DELETE', `/v1/admin/partners/${issued.appId}`)).statusCode).toBe(204);
    expect(await svc.resolve(issued.appId)).toBeUndefined();
    expect((await call('DELETE', `/v1/admin/partners/${issued.appId}`)).statusCode).toBe(404);
    expect((await call('POST', `/v1/admin/partners/${issued.appId}/rotate`)).statusCode).toBe(404);
    expect((await call('DELETE', '/v1/admin/partners/not-an-app-id')).statusCode).toBe(400);
  });

  it('does not resolve a sealed secret copied onto another appId (the seal is bound to its row)', async () => {
    const svc = t.app.get(PartnerCredentialsService);
    const a = await svc.create('haide', 'MALL-A', 'a');
    const b = await svc.create('haide', 'MALL-A', 'b');
    await t.db.query(
      `UPDATE partners SET secret_sealed = (SELECT secret_sealed FROM partners WHERE app_id = $1)
      WHERE app_id = $2`,
      [a.appId, b.appId],
    );
    await expect(svc.resolve(b.appId)).rejects.toThrow();
  });

  it('claims a nonce once; of concurrent claims exactly one wins; purges only rows outside the window', async () => {
    const store = t.app.get(NonceStore);
    const now = Date.now();
    expect(await store.claim('hd_x', 'nonce-0001', now)).toBe(true);
    expect(await store.claim('hd_x', 'nonce-0001', now)).toBe(false);
    expect(await store.claim('hd_y', 'nonce-0001', now)).toBe(true);
    const racers = await Promise.all(Array.from({ length: 20 }, () => store.claim('hd_x', 'nonce-race', now)));
    expect(racers.filter(Boolean)).toHaveLength(1);

    expect(await store.claim('hd_x', 'nonce-old1', now - 11 * 60_000)).toBe(true);
    expect(await store.purge(now)).toBe(1);
    const left = await t.db.query<{ nonce: string }[]>(`SELECT nonce FROM partner_nonces WHERE app_id = 'hd_x'`);
    expect(left.map((r) => r.nonce).sort()).toEqual(['nonce-0001', 'nonce-race']);
  });
});

describe('partner credentials without PARTNER_SECRET_KEY', () => {
  it('refuses to issue (503 naming the setting) and the rest of the app runs', async () => {
    const t = await startTestApp({ WORKERS_ENABLED: 'false' });
    try {
      const key = await t.key(['keys:admin']);
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/admin/partners',
        headers: { 'x-api-key': key },
        payload: { kind: 'haide', orgCode: 'M', name: 'n' },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json<{ message: string }>().message).toContain('PARTNER_SECRET_KEY');
    } finally {
      await t.close();
    }
  });
});
