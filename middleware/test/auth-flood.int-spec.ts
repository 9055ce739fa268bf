import { randomBytes } from 'node:crypto';
import { ApiKeyEntity } from '../src/auth/api-key.entity';
import { BASE, type ConsortiumApp, startConsortiumApp } from './consortium-harness';

const LIMIT = 20;
const ATTACKER = '198.51.100.66';

describe('a flood of bad keys: throttled by address before authentication, bounded queries and audit rows', () => {
  let t: ConsortiumApp;
  let good: string;
  let lookups: jest.SpyInstance;

  beforeAll(async () => {
    t = await startConsortiumApp(undefined, { THROTTLE_AUTH_FAILURE_LIMIT: String(LIMIT) });
    good = await t.key(['consortium:admin'], 'ops');
    lookups = jest.spyOn(t.db.getRepository(ApiKeyEntity), 'findOne');
  });
  afterAll(async () => {
    lookups.mockRestore();
    await t.close();
  });

  const get = (key: string | undefined, remoteAddress: string): ReturnType<ConsortiumApp['app']['inject']> =>
    t.app.inject({
      url: `${BASE}/channels`,
      remoteAddress,
      headers: key === undefined ? {} : { 'x-api-key': key },
    });

  it('answers 401 up to the limit, then 429 without looking keys up; the good key still answers', async () => {
    expect((await get(good, '192.0.2.10')).statusCode).toBe(200);
    lookups.mockClear();
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++)
      statuses.push((await get(`mck_${randomBytes(32).toString('base64url')}`, ATTACKER)).statusCode);
    expect(statuses.slice(0, LIMIT)).toEqual(Array<number>(LIMIT).fill(401));
    expect(new Set(statuses.slice(LIMIT))).toEqual(new Set([429]));
    // One query per failure counted, none past the limit.
    expect(lookups.mock.calls.length).toBeGreaterThan(0);
    expect(lookups.mock.calls.length).toBeLessThanOrEqual(LIMIT);
    const refused = await get(`mck_${randomBytes(32).toString('base64url')}`, ATTACKER);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.json<{ error: string; message: string }>()).toMatchObject({
      error: 'RATE_LIMITED',
      message: 'too many failed authentications from this address (see Retry-After)',
    });
    // Anonymous requests count too.
    expect((await get(undefined, ATTACKER)).statusCode).toBe(429);

    // The good key answers from elsewhere, and even from the flooding address (it is known to the cache).
    expect((await get(good, '192.0.2.10')).statusCode).toBe(200);
    expect((await get(good, ATTACKER)).statusCode).toBe(200);
  });

  it('looks a repeated unknown key up once (negative cache)', async () => {
    const bad = `mck_${randomBytes(32).toString('base64url')}`;
    lookups.mockClear();
    for (let i = 0; i < 10; i++) expect((await get(bad, '192.0.2.77')).statusCode).toBe(401);
    expect(lookups.mock.calls.length).toBe(1);
  });

  it('counts refusals in the audit log per (actor, address, operation, reason) and minute, not per request', async () => {
    const rows = await t.db.query<{ actor: string; client_address: string; error: { code: string }; count: number }[]>(
      `SELECT actor, client_address, error, count FROM consortium_audit_log WHERE client_address = $1 ORDER BY started_at`,
      [ATTACKER],
    );
    // 20 unauthorized + 282 rate-limited requests from the attacker, in (at most) two minutes' windows.
    expect(rows.length).toBeLessThanOrEqual(4);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const byCode = (code: string): number => rows.filter((r) => r.error.code === code).reduce((n, r) => n + r.count, 0);
    expect(byCode('UNAUTHORIZED')).toBe(LIMIT);
    expect(byCode('RATE_LIMITED')).toBe(300 - LIMIT + 2);
    expect(rows.every((r) => r.actor === 'anonymous')).toBe(true);
  });
});
