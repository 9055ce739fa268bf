import { FakeLedger } from './support/fake-ledger';
import { eventually, startTestApp, type TestApp } from './support/test-app';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';

describe('health, metrics, OpenAPI, request IDs', () => {
  let t: TestApp;
  const ledger = new FakeLedger();

  beforeAll(async () => {
    t = await startTestApp({}, ledger);
  });
  afterAll(() => t.close());

  it('reports healthy when Postgres, the peer and the projection are fine, and names the peer when it is down', async () => {
    const ok = await t.app.inject({ url: '/health' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, peer: { status: 'up' }, projection: { status: 'up' } },
    });
    ledger.up = false;
    const down = await t.app.inject({ url: '/health' });
    ledger.up = true;
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ message: 'down: peer', details: { peer: { status: 'down' } } });
  });

  it('exposes Prometheus metrics for intake, outbox, submit latency, projection lag and HTTP', async () => {
    const admin = await t.key([...FORMER_ADMIN_SCOPES]);
    const ack = await t.app.inject({
      method: 'POST',
      url: '/v1/notes',
      headers: { 'x-api-key': admin },
      payload: { id: 'm-1', text: 'x' },
    });
    const tracking = ack.json<{ trackingId: string }>().trackingId;
    await eventually(async () => {
      const s = await t.app.inject({ url: `/v1/intake/${tracking}`, headers: { 'x-api-key': admin } });
      return s.json<{ status: string }>().status === 'committed' ? true : undefined;
    });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    for (const name of [
      'mallchain_intake_items_total{kind="note",outcome="accepted"} 1',
      'mallchain_outbox_depth',
      'mallchain_ledger_submit_seconds_bucket',
      'mallchain_projection_lag_blocks',
      'mallchain_http_request_duration_seconds_bucket',
    ]) {
      expect(res.body).toContain(name);
    }
    expect(res.body).toMatch(
      /mallchain_http_request_duration_seconds_count\{method="POST",route="\/v1\/notes",status="202"\} 1/,
    );
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const json = await t.app.inject({ url: '/docs-json' });
    expect(json.statusCode).toBe(200);
    const doc = json.json<{
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/notes',
        '/v1/notes/{id}',
        '/v1/intake/{trackingId}',
        '/v1/subscriptions',
        '/health',
      ]),
    );
    expect(doc.components.securitySchemes).toHaveProperty('apiKey');
    const ui = await t.app.inject({ url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-ui');
    const asset = await t.app.inject({ url: '/docs/swagger-ui-bundle.js' });
    expect(asset.statusCode).toBe(200);
  });

  it('echoes a given request ID and makes one up otherwise', async () => {
    const given = await t.app.inject({ url: '/health', headers: { 'x-request-id': 'req-123' } });
    expect(given.headers['x-request-id']).toBe('req-123');
    const made = await t.app.inject({ url: '/health' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
