import { eventually } from './support/test-app';
import { Receiver, startWebhookApp, type WebhookApp } from './support/webhook-app';

interface SubView {
  id: string;
  status: string;
  attempts: number;
  lastError: string | null;
  offset: string;
}

describe('webhook subscriptions pause after WEBHOOK_MAX_ATTEMPTS failed deliveries, and resume', () => {
  let t: WebhookApp;
  let key: string;
  let receiver: Receiver;
  let watcher: Receiver;

  beforeAll(async () => {
    receiver = await Receiver.start();
    watcher = await Receiver.start();
    t = await startWebhookApp({
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_ALLOWED_PORTS: `${receiver.port},${watcher.port}`,
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_MS: '20',
      WEBHOOK_MAX_BACKOFF_MS: '40',
    });
    key = await t.key(['webhooks']);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    await watcher.close();
  });

  const call = (method: 'GET' | 'POST', url: string, payload?: object): ReturnType<WebhookApp['app']['inject']> =>
    t.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload ? { payload } : {}) });
  const view = async (id: string): Promise<SubView> => (await call('GET', `/v1/subscriptions/${id}`)).json<SubView>();
  const metric = async (): Promise<number> => {
    const text = (await t.app.inject({ url: '/metrics' })).body;
    return Number(/^mallchain_webhook_paused_total (\d+)/m.exec(text)?.[1] ?? 'NaN');
  };

  it('pauses after exactly that many failures, stops delivering, tells others, and resumes on request', async () => {
    // Another subscriber listens for pauses.
    const w = await call('POST', '/v1/subscriptions', {
      url: `http://127.0.0.1:${watcher.port}/w`,
      eventTypes: ['webhook.paused'],
    });
    expect(w.statusCode).toBe(201);
    const sub = await call('POST', '/v1/subscriptions', {
      url: `http://127.0.0.1:${receiver.port}/h`,
      eventTypes: ['ledger.changes'],
    });
    const { id } = sub.json<{ id: string }>();
    receiver.answer = (res) => res.writeHead(503).end('busy');
    await t.ledger.submit('info:PutNote', [JSON.stringify({ id: 'p-1', text: 'x' })]);

    const paused = await eventually(async () => {
      const v = await view(id);
      return v.status === 'paused' ? v : undefined;
    });
    expect(paused).toMatchObject({ attempts: 3, lastError: 'HTTP 503', offset: '0' });
    // No further attempt while paused (the dispatcher polls every 50 ms).
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.hits).toHaveLength(3);
    expect((await view(id)).status).toBe('paused');
    expect(await metric()).toBe(1);
    const events = await t.db.query<{ data: { subscriptionId: string; attempts: number } }[]>(
      `SELECT data FROM events WHERE type = 'webhook.paused'`,
    );
    expect(events.map((e) => e.data)).toEqual([{ subscriptionId: id, attempts: 3, lastError: 'HTTP 503' }]);
    await eventually(() => Promise.resolve(watcher.hits.length > 0 ? true : undefined));
    expect(JSON.parse(watcher.hits[0]!.body)).toMatchObject({
      events: [{ type: 'webhook.paused', data: { subscriptionId: id } }],
    });

    receiver.answer = (res) => res.writeHead(204).end();
    const resumed = await call('POST', `/v1/subscriptions/${id}/resume`);
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({ status: 'active', attempts: 0 });
    const delivered = await eventually(async () => {
      const v = await view(id);
      return v.offset !== '0' && v.status === 'active' ? v : undefined;
    });
    expect(delivered.lastError).toBeNull();
    expect(receiver.hits).toHaveLength(4);
    expect(JSON.parse(receiver.hits[3]!.body)).toMatchObject({ events: [{ type: 'ledger.changes' }] });
  });

  it('answers 404 when resuming an unknown subscription', async () => {
    const res = await call('POST', '/v1/subscriptions/00000000-0000-4000-8000-000000000000/resume');
    expect(res.statusCode).toBe(404);
  });
});
