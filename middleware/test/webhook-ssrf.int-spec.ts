import { eventually } from './support/test-app';
import { FakeResolver, Receiver, startWebhookApp, type WebhookApp } from './support/webhook-app';

interface SubView {
  id: string;
  status: string;
  attempts: number;
  lastError: string | null;
  offset: string;
}

describe('webhook destinations (SSRF): refused at subscription and at delivery, pinned, no redirects', () => {
  let t: WebhookApp;
  let key: string;
  let receiver: Receiver;
  let elsewhere: Receiver;
  const resolver = new FakeResolver();
  let closedPort: number;

  beforeAll(async () => {
    receiver = await Receiver.start('127.0.0.1');
    elsewhere = await Receiver.start('127.0.0.2');
    const closed = await Receiver.start('127.0.0.1');
    closedPort = closed.port;
    await closed.close();
    t = await startWebhookApp(
      {
        // Only the test's own receiver is an allowed internal destination (127.0.0.2 is not).
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1/32, hooks.internal.test',
        WEBHOOK_ALLOWED_PORTS: `80,443,${receiver.port},${elsewhere.port},${closedPort}`,
        WEBHOOK_MAX_ATTEMPTS: '1000',
      },
      resolver,
    );
    key = await t.key(['webhooks']);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    await elsewhere.close();
  });

  const subscribe = (url: string): ReturnType<WebhookApp['app']['inject']> =>
    t.app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      headers: { 'x-api-key': key },
      payload: { url, eventTypes: ['ledger.changes'] },
    });
  const view = async (id: string): Promise<SubView> =>
    (await t.app.inject({ url: `/v1/subscriptions/${id}`, headers: { 'x-api-key': key } })).json<SubView>();
  const stored = async (): Promise<number> =>
    (await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM webhook_subscriptions'))[0]!.n;
  let notes = 0;
  const event = (): Promise<unknown> =>
    t.ledger.submit('info:PutNote', [JSON.stringify({ id: `ssrf-${++notes}`, text: 'x' })]);

  it.each([
    ['loopback', 'http://127.0.0.9/h', /127\.0\.0\.9 is a loopback address/],
    ['RFC 1918 10/8', 'http://10.1.2.3/h', /10\.1\.2\.3 is a private address \(RFC 1918\)/],
    ['RFC 1918 172.16/12', 'https://172.20.0.1/h', /is a private address/],
    ['RFC 1918 192.168/16', 'http://192.168.1.1/h', /is a private address/],
    ['CGNAT', 'http://100.64.0.1/h', /is a shared \(CGNAT\) address/],
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data', /is a link-local address/],
    ['0.0.0.0', 'http://0.0.0.0/h', /0\.0\.0\.0 is an unspecified/],
    ['multicast', 'http://224.0.0.1/h', /is a multicast address/],
    ['broadcast', 'http://255.255.255.255/h', /is a reserved or broadcast address/],
    ['IPv6 loopback', 'http://[::1]/h', /::1 is a loopback address/],
    ['IPv6 unspecified', 'http://[::]/h', /:: is an unspecified address/],
    ['ULA fc00::/7', 'http://[fd12:3456::1]/h', /is a unique local address/],
    ['IPv6 link-local', 'http://[fe80::1]/h', /is a link-local address/],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.9]/h', /::ffff:7f00:9 is a loopback address/],
    ['IPv4-mapped private', 'http://[::ffff:10.0.0.1]/h', /is a private address/],
    ['IPv6 multicast', 'http://[ff02::1]/h', /is a multicast address/],
    ['localhost', 'http://localhost/h', /host localhost resolves to .* is a loopback address/],
    ['a disallowed port', 'http://93.184.216.34:22/h', /^url: port 22 is not allowed/],
    [
      'a host that does not resolve',
      'http://nowhere.invalid.test/h',
      /^url: host nowhere\.invalid\.test does not resolve/,
    ],
  ])('refuses %s with 400 naming the problem, storing nothing', async (_name, url, message) => {
    if (url.includes('localhost')) resolver.answers.set('localhost', ['127.0.0.1', '::1']);
    const before = await stored();
    const res = await subscribe(url);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(message);
    expect(await stored()).toBe(before);
  });

  it('refuses a host name when any of its addresses is disallowed (one public, one private)', async () => {
    resolver.answers.set('mixed.example.com', ['93.184.216.34', '10.0.0.7']);
    const res = await subscribe('https://mixed.example.com/h');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toBe(
      'url: host mixed.example.com resolves to 10.0.0.7 is a private address (RFC 1918); not allowed as a webhook destination',
    );
  });

  it('accepts public destinations and allow-listed internal ones', async () => {
    resolver.answers.set('erp.example.com', ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
    for (const url of ['https://erp.example.com/h', 'http://93.184.216.34/h', `http://127.0.0.1:${receiver.port}/h`]) {
      const res = await subscribe(url);
      expect([url, res.statusCode]).toEqual([url, 201]);
      await t.app.inject({
        method: 'DELETE',
        url: `/v1/subscriptions/${res.json<{ id: string }>().id}`,
        headers: { 'x-api-key': key },
      });
    }
  });

  it('checks again at delivery: a host that now resolves to loopback (DNS rebinding) is not contacted', async () => {
    resolver.answers.set('rebind.example.com', ['93.184.216.34']);
    const res = await subscribe(`http://rebind.example.com:${elsewhere.port}/h`);
    expect(res.statusCode).toBe(201);
    const { id } = res.json<{ id: string }>();
    resolver.answers.set('rebind.example.com', ['127.0.0.2']);
    const hits = elsewhere.hits.length;
    await event();
    const v = await eventually(async () => {
      const s = await view(id);
      return s.attempts >= 1 ? s : undefined;
    });
    expect(v.status).toBe('failing');
    expect(v.lastError).toBe(
      'destination refused: host rebind.example.com resolves to 127.0.0.2 is a loopback address; not allowed as a webhook destination',
    );
    expect(elsewhere.hits.length).toBe(hits);
    await t.app.inject({ method: 'DELETE', url: `/v1/subscriptions/${id}`, headers: { 'x-api-key': key } });
  });

  it('connects to the address it checked: one look-up per delivery, Host header kept', async () => {
    resolver.answers.set('hooks.internal.test', ['127.0.0.1']);
    const res = await subscribe(`http://hooks.internal.test:${receiver.port}/pinned`);
    expect(res.statusCode).toBe(201);
    const { id } = res.json<{ id: string }>();
    resolver.calls.clear();
    const hits = receiver.hits.length;
    await event();
    await eventually(() => Promise.resolve(receiver.hits.length > hits ? true : undefined));
    const hit = receiver.hits.at(-1)!;
    expect(hit.headers.host).toBe(`hooks.internal.test:${receiver.port}`);
    // The HTTP client did not resolve the name a second time (it would be a second chance to rebind).
    expect(resolver.calls.get('hooks.internal.test')).toBe(1);
    await t.app.inject({ method: 'DELETE', url: `/v1/subscriptions/${id}`, headers: { 'x-api-key': key } });
  });

  it('never follows a redirect (302 to a private address) and stores only the status, not the body', async () => {
    const res = await subscribe(`http://127.0.0.1:${receiver.port}/redirect`);
    const { id } = res.json<{ id: string }>();
    receiver.answer = (r) => r.writeHead(302, { location: `http://127.0.0.2:${elsewhere.port}/x` }).end('moved');
    await event();
    const v = await eventually(async () => {
      const s = await view(id);
      return s.attempts >= 1 ? s : undefined;
    });
    expect(v.lastError).toBe('HTTP 302');
    expect(elsewhere.hits).toHaveLength(0);

    receiver.answer = (r) => r.writeHead(500, { 'content-type': 'text/plain' }).end('stack trace: db password=hunter2');
    const before = v.attempts;
    const v2 = await eventually(async () => {
      const s = await view(id);
      return s.attempts > before ? s : undefined;
    });
    expect(v2.lastError).toBe('HTTP 500');
    receiver.answer = (r) => r.writeHead(204).end();
    await t.app.inject({ method: 'DELETE', url: `/v1/subscriptions/${id}`, headers: { 'x-api-key': key } });
  });

  it('stores a coarse reason when nothing listens (connect refused)', async () => {
    const res = await subscribe(`http://127.0.0.1:${closedPort}/x`);
    expect(res.statusCode).toBe(201);
    const { id } = res.json<{ id: string }>();
    await event();
    const v = await eventually(async () => {
      const s = await view(id);
      return s.attempts >= 1 ? s : undefined;
    });
    expect(v.lastError).toBe('connect refused');
  });
});
