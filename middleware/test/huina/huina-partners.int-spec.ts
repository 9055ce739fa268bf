import { randomBytes } from 'node:crypto';
import { createApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/load-config';
import { caSignature } from '../../src/huina/huina-signature';
import type { PartnerCredential } from '../../src/huina/partner-credentials.port';
import { LEDGER } from '../../src/ledger/ledger.port';
import { FakeDevices } from '../support/fake-devices';
import { FakeLedger } from '../support/fake-ledger';
import { initTestApp, startTestApp, testEnv } from '../support/test-app';
import { issueHuinaCredential, startHuinaApp, type HuinaApp } from './huina-harness';
import { push, rec, TREE } from './traffic-records';

/**
 * The Huina adapter on the mall's real partner credentials: issued, rotated and revoked through
 * `/v1/admin/partners`, sealed in Postgres, nonces in `partner_nonces` shared by every instance of the mall.
 */
describe('Huina signing on the real partner credentials (real app, real Postgres, real HTTP)', () => {
  let t: HuinaApp;

  beforeAll(async () => {
    t = await startHuinaApp();
    expect((await t.call('POST', '/huina/v1/traffic', push(TREE))).status).toBe(200);
  });
  afterAll(() => t.close());

  const admin = (method: 'POST' | 'DELETE', url: string, payload?: object): ReturnType<HuinaApp['app']['inject']> =>
    t.app.inject({ method, url, headers: { 'x-api-key': t.keysAdmin }, ...(payload ? { payload } : {}) });
  const buckets = async (siteKey: string): Promise<number> =>
    Number(
      (
        await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM huina_traffic_buckets WHERE site_key = $1`, [
          siteKey,
        ])
      )[0]?.n,
    );

  it('accepts a push signed with a secret issued by the admin API and records its nonce in Postgres', async () => {
    expect(t.cred.appId).toMatch(/^hn_[0-9a-f]{24}$/);
    const nonce = randomBytes(12).toString('hex');
    const res = await t.call('POST', '/huina/v1/traffic', push([rec({ siteKey: 'A-F1-P1' })]), { nonce });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, statusCode: '0' });
    expect(await buckets('A-F1-P1')).toBe(1);
    const seen = await t.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM partner_nonces WHERE app_id = $1 AND nonce = $2`,
      [t.cred.appId, nonce],
    );
    expect(Number(seen[0]?.n)).toBe(1);
  });

  it('refuses a Haide credential of the same mall on the Huina routes (SIGNATURE_APP), nothing stored', async () => {
    const res = await admin('POST', '/v1/admin/partners', { kind: 'haide', orgCode: 'MALLA', name: 'pos' });
    expect(res.statusCode).toBe(201);
    const issued = res.json<{ appId: string; secret: string }>();
    const haide: PartnerCredential = {
      ...t.cred,
      appId: issued.appId,
      kind: 'haide',
      secret: Buffer.from(issued.secret),
    };
    const refused = await t.call('POST', '/huina/v1/traffic', push([rec({ siteKey: 'A-F1-P2' })]), { cred: haide });
    expect(refused.status).toBe(401);
    expect(refused.body.statusCode).toBe('SIGNATURE_APP');
    expect(await buckets('A-F1-P2')).toBe(0);
  });

  it('after a rotation the old secret is refused (SIGNATURE_INVALID) and the new one accepted', async () => {
    const own = await issueHuinaCredential(t, t.keysAdmin);
    const rotated = await admin('POST', `/v1/admin/partners/${own.appId}/rotate`);
    expect(rotated.statusCode).toBe(200);
    const fresh = { ...own, secret: Buffer.from(rotated.json<{ secret: string }>().secret) };
    const old = await t.call('POST', '/huina/v1/traffic', push([rec({ siteKey: 'A-F1-P3' })]), { cred: own });
    expect(old.status).toBe(401);
    expect(old.body.statusCode).toBe('SIGNATURE_INVALID');
    expect(await buckets('A-F1-P3')).toBe(0);
    const ok = await t.call('POST', '/huina/v1/traffic', push([rec({ siteKey: 'A-F1-P3' })]), { cred: fresh });
    expect(ok.status).toBe(200);
    expect(await buckets('A-F1-P3')).toBe(1);
  });

  it('refuses a revoked credential at once (SIGNATURE_APP), nothing stored', async () => {
    const own = await issueHuinaCredential(t, t.keysAdmin);
    expect(
      (
        await t.call(
          'GET',
          '/huina/v1/traffic?siteKey=A&from=2026-11-30 00:00:00&to=2026-12-01 00:00:00&interval=D',
          undefined,
          { cred: own },
        )
      ).status,
    ).toBe(200);
    expect((await admin('DELETE', `/v1/admin/partners/${own.appId}`)).statusCode).toBe(204);
    const res = await t.call('POST', '/huina/v1/traffic', push([rec({ siteKey: 'A-F1-P4' })]), { cred: own });
    expect(res.status).toBe(401);
    expect(res.body.statusCode).toBe('SIGNATURE_APP');
    expect(await buckets('A-F1-P4')).toBe(0);
  });

  it('a nonce used at one instance of the mall is a replay at another instance on the same database', async () => {
    const second = await createApp(
      loadConfig(
        testEnv(t.config.databaseUrl, { PARTNER_SECRET_KEY: t.config.partnerSecretKey ?? '', MIGRATIONS_RUN: 'false' }),
      ),
      {
        provide: LEDGER,
        useValue: new FakeLedger({ contracts: [new FakeDevices()] }),
      },
    );
    try {
      await initTestApp(second);
      const body = JSON.stringify(push([rec({ siteKey: 'A-F1-P5' })]));
      const timestamp = String(Date.now());
      const nonce = randomBytes(12).toString('hex');
      const headers = {
        'content-type': 'application/json',
        'x-ca-key': t.cred.appId,
        'x-ca-timestamp': timestamp,
        'x-ca-nonce': nonce,
        'x-ca-signature': caSignature(t.cred.secret, {
          method: 'POST',
          path: '/huina/v1/traffic',
          timestamp,
          nonce,
          body: Buffer.from(body),
        }),
      };
      const first = await t.app.inject({ method: 'POST', url: '/huina/v1/traffic', headers, payload: body });
      expect(first.statusCode).toBe(200);
      const replay = await second.inject({ method: 'POST', url: '/huina/v1/traffic', headers, payload: body });
      expect(replay.statusCode).toBe(401);
      expect(replay.json<{ statusCode: string }>().statusCode).toBe('SIGNATURE_REPLAY');
      expect(await buckets('A-F1-P5')).toBe(1);
    } finally {
      await second.close();
    }
  });
});

describe('Huina signing without PARTNER_SECRET_KEY', () => {
  it('answers 503 naming the missing setting, and stores nothing', async () => {
    const t = await startTestApp({ WORKERS_ENABLED: 'false' });
    try {
      const body = JSON.stringify(push([rec({ siteKey: 'A-F1-N0' })]));
      const timestamp = String(Date.now());
      const nonce = randomBytes(12).toString('hex');
      const res = await t.app.inject({
        method: 'POST',
        url: '/huina/v1/traffic',
        headers: {
          'content-type': 'application/json',
          'x-ca-key': 'hn_000000000000000000000000',
          'x-ca-timestamp': timestamp,
          'x-ca-nonce': nonce,
          'x-ca-signature': caSignature(randomBytes(32), {
            method: 'POST',
            path: '/huina/v1/traffic',
            timestamp,
            nonce,
            body: Buffer.from(body),
          }),
        },
        payload: body,
      });
      expect(res.statusCode).toBe(503);
      expect(res.json<{ message: string }>().message).toContain('PARTNER_SECRET_KEY');
      const rows = await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM huina_traffic_buckets`);
      expect(Number(rows[0]?.n)).toBe(0);
    } finally {
      await t.close();
    }
  });
});
