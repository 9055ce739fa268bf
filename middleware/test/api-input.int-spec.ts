import { startTestApp, type TestApp } from './support/test-app';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';

/** Every endpoint refuses bad input with a 4xx naming the problem and writes nothing. */
describe('input, auth and scope checks', () => {
  let t: TestApp;
  let admin: string;
  let reader: string;
  let otherMall: string;

  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '4096', WORKERS_ENABLED: 'false' });
    admin = await t.key([...FORMER_ADMIN_SCOPES]);
    reader = await t.key(['points:read']);
    otherMall = await t.key([...FORMER_ADMIN_SCOPES], 'MallBMSP');
  });
  afterAll(() => t.close());

  async function counts(): Promise<Record<string, number>> {
    const [row] = await t.db.query<
      Record<string, number>[]
    >(`SELECT (SELECT count(*) FROM intake_items)::int AS items, (SELECT count(*) FROM outbox)::int AS outbox,
      (SELECT count(*) FROM webhook_subscriptions)::int AS subs, (SELECT count(*) FROM api_keys)::int AS keys`);
    return row!;
  }

  type Case = [
    name: string,
    method: 'POST' | 'GET' | 'DELETE',
    url: string,
    body: unknown,
    status: number,
    message: RegExp,
  ];
  const cases: Case[] = [
    ['note: missing id', 'POST', '/v1/notes', { text: 'x' }, 400, /^id /],
    ['note: id wrong type', 'POST', '/v1/notes', { id: 5, text: 'x' }, 400, /^id /],
    ['note: bad id characters', 'POST', '/v1/notes', { id: 'a b', text: 'x' }, 400, /^id may contain only/],
    ['note: empty text', 'POST', '/v1/notes', { id: 'a', text: '' }, 400, /^text /],
    ['note: text too long', 'POST', '/v1/notes', { id: 'a', text: 'x'.repeat(1025) }, 400, /^text /],
    [
      'note: unknown field',
      'POST',
      '/v1/notes',
      { id: 'a', text: 'x', extra: 1 },
      400,
      /property extra should not exist/,
    ],
    ['note: array body', 'POST', '/v1/notes', [{ id: 'a', text: 'x' }], 400, /body must be a JSON object/],
    ['note: oversized', 'POST', '/v1/notes', { id: 'a', text: 'x'.repeat(5000) }, 413, /too large/i],
    ['intake: tracking id not a uuid', 'GET', '/v1/intake/123', undefined, 400, /uuid/i],
    [
      'apikey: unknown scope',
      'POST',
      '/v1/admin/api-keys',
      { name: 'k', scopes: ['root'] },
      400,
      /^scopes: each value in scopes must be one of/,
    ],
    ['apikey: no scopes', 'POST', '/v1/admin/api-keys', { name: 'k', scopes: [] }, 400, /^scopes/],
    [
      'apikey: other mall',
      'POST',
      '/v1/admin/api-keys',
      { name: 'k', scopes: ['keys:admin'], mallMspId: 'MallBMSP' },
      403,
      /serves MallAMSP/,
    ],
    ['apikey: revoke bad id', 'DELETE', '/v1/admin/api-keys/xyz', undefined, 400, /uuid/i],
    ['subscription: bad url', 'POST', '/v1/subscriptions', { url: 'ftp://x' }, 400, /^url must be an http\(s\) URL/],
    [
      'subscription: unknown event type',
      'POST',
      '/v1/subscriptions',
      { url: 'http://127.0.0.1:1/h', eventTypes: ['x'] },
      400,
      /^eventTypes: each value/,
    ],
    [
      'subscription: short secret',
      'POST',
      '/v1/subscriptions',
      { url: 'http://127.0.0.1:1/h', secret: 'abc' },
      400,
      /^secret /,
    ],
    [
      'subscription: replay negative',
      'POST',
      '/v1/subscriptions/00000000-0000-4000-8000-000000000000/replay',
      { fromOffset: -1 },
      400,
      /^fromOffset /,
    ],
    [
      'subscription: unknown',
      'GET',
      '/v1/subscriptions/00000000-0000-4000-8000-000000000000',
      undefined,
      404,
      /does not exist/,
    ],
    ['rebuild: wrong type', 'POST', '/v1/admin/projection/rebuild', { keep: 'yes' }, 400, /^keep /],
  ];

  it.each(cases)('%s', async (_name, method, url, body, status, message) => {
    const before = await counts();
    const res = await t.app.inject({
      method,
      url,
      headers: { 'x-api-key': admin },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    expect(res.statusCode).toBe(status);
    expect(res.json<{ message: string }>().message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it('refuses invalid JSON naming the problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/notes',
      headers: { 'x-api-key': admin, 'content-type': 'application/json' },
      payload: '{"id": "a", ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/JSON/);
  });

  const protectedRoutes: [string, string][] = [
    ['POST', '/v1/notes'],
    ['GET', '/v1/notes/x'],
    ['GET', '/v1/intake/00000000-0000-4000-8000-000000000000'],
    ['GET', '/v1/admin/api-keys'],
    ['POST', '/v1/subscriptions'],
    ['GET', '/v1/admin/projection'],
  ];

  it.each(protectedRoutes)(
    '%s %s: 401 without a key, 401 with an unknown key, 403 for a key of another mall',
    async (method, url) => {
      const before = await counts();
      const payload = method === 'POST' ? { id: 'a', text: 'x' } : undefined;
      const none = await t.app.inject({ method: method as 'GET', url, payload });
      expect(none.statusCode).toBe(401);
      expect(none.json<{ message: string }>().message).toMatch(/missing API key/);
      const unknown = await t.app.inject({
        method: method as 'GET',
        url,
        payload,
        headers: { authorization: 'Bearer mck_nope' },
      });
      expect(unknown.statusCode).toBe(401);
      expect(unknown.json<{ message: string }>().message).toMatch(/unknown or revoked/);
      const foreign = await t.app.inject({
        method: method as 'GET',
        url,
        payload,
        headers: { 'x-api-key': otherMall },
      });
      expect(foreign.statusCode).toBe(403);
      expect(foreign.json<{ message: string }>().message).toBe(
        'API key belongs to MallBMSP; this middleware serves MallAMSP',
      );
      expect(await counts()).toEqual(before);
    },
  );

  it('refuses a key without the route scope, naming the scope', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/notes',
      headers: { 'x-api-key': reader },
      payload: { id: 'a', text: 'x' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ message: string }>().message).toBe('API key lacks scope notes:write');
    expect((await counts()).items).toBe(0);
  });

  it('creates, lists and revokes keys; a revoked key stops working', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/api-keys',
      headers: { 'x-api-key': admin },
      payload: { name: 'pos', scopes: ['points:write', 'points:read', 'intake:read'] },
    });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json<{ id: string; key: string }>();
    expect(key).toMatch(/^mck_/);
    const stored = await t.db.query<{ key_hash: string }[]>('SELECT key_hash FROM api_keys WHERE id = $1', [id]);
    expect(stored[0]!.key_hash).not.toContain(key.slice(4));
    const list = await t.app.inject({ url: '/v1/admin/api-keys', headers: { 'x-api-key': admin } });
    expect(list.json<{ id: string; keyHash?: string }[]>().find((k) => k.id === id)).toMatchObject({
      scopes: ['points:write', 'points:read', 'intake:read'],
    });
    expect(JSON.stringify(list.json())).not.toContain('keyHash');
    const ok = await t.app.inject({
      url: '/v1/intake/00000000-0000-4000-8000-000000000000',
      headers: { 'x-api-key': key },
    });
    expect(ok.statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/v1/admin/api-keys/${id}`, headers: { 'x-api-key': admin } }))
        .statusCode,
    ).toBe(204);
    // The guard caches lookups for a few seconds; revocation clears the cache of this process.
    const after = await t.app.inject({
      url: '/v1/intake/00000000-0000-4000-8000-000000000000',
      headers: { 'x-api-key': key },
    });
    expect(after.statusCode).toBe(401);
  });
});

describe('rate limiting per key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_LIMIT: '3', THROTTLE_TTL_MS: '60000', WORKERS_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('answers 429 to the key over its limit while another key still passes', async () => {
    const a = await t.key([...FORMER_ADMIN_SCOPES]);
    const b = await t.key([...FORMER_ADMIN_SCOPES]);
    const hit = (key: string): Promise<number> =>
      t.app.inject({ url: '/v1/notes/x', headers: { 'x-api-key': key } }).then((r) => r.statusCode);
    expect([await hit(a), await hit(a), await hit(a)]).toEqual([404, 404, 404]);
    expect(await hit(a)).toBe(429);
    expect(await hit(b)).toBe(404);
  });
});
