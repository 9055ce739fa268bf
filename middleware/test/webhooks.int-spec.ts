import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyDelivery } from '../src/webhooks/signature';
import { FakeLedger } from './support/fake-ledger';
import { eventually, startTestApp, type TestApp } from './support/test-app';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';

interface Received {
  body: string;
  signature: string;
  timestamp: string;
}

describe('webhooks', () => {
  let t: TestApp;
  let admin: string;
  let server: Server;
  let url: string;
  const received: Received[] = [];
  let failNext = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.writeHead(500).end();
          return;
        }
        received.push({
          body,
          signature: String(req.headers['x-mallchain-signature']),
          timestamp: String(req.headers['x-mallchain-timestamp']),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    // The receiver is on loopback: allowed as an internal destination, on its own port.
    const port = (server.address() as AddressInfo).port;
    t = await startTestApp(
      { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1/32', WEBHOOK_ALLOWED_PORTS: String(port) },
      new FakeLedger(),
    );
    admin = await t.key([...FORMER_ADMIN_SCOPES]);
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => server.close(r));
  });

  const seqs = (): string[] =>
    received.flatMap((r) => (JSON.parse(r.body) as { events: { seq: string }[] }).events.map((e) => e.seq));

  it('delivers signed events at least once, retries a failing receiver, advances the offset and replays from an offset', async () => {
    const sub = await t.app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      headers: { 'x-api-key': admin },
      payload: { url, eventTypes: ['ledger.changes'], secret: 's'.repeat(40) },
    });
    expect(sub.statusCode).toBe(201);
    const { id, secret } = sub.json<{ id: string; secret: string }>();
    expect(secret).toBe('s'.repeat(40));

    failNext = 2;
    await t.ledger.submit('info:PutNote', [JSON.stringify({ id: 'w-1', text: 'a' })]);
    await t.ledger.submit('info:PutNote', [JSON.stringify({ id: 'w-2', text: 'b' })]);
    await eventually(() => Promise.resolve(seqs().length >= 2 ? true : undefined)).catch(async (e: unknown) => {
      throw new Error(
        `${String(e)}: ${JSON.stringify(await t.db.query('SELECT * FROM webhook_subscriptions'))} ${JSON.stringify(await t.db.query('SELECT seq, type FROM events'))}`,
      );
    });
    expect(failNext).toBe(0);
    for (const r of received) expect(verifyDelivery(secret, r.timestamp, r.body, r.signature)).toBe(true);
    const events = received.flatMap(
      (r) => (JSON.parse(r.body) as { events: { type: string; data: { changes: { id: string }[] } }[] }).events,
    );
    expect(events.map((e) => e.data.changes[0]!.id)).toEqual(['note/w-1', 'note/w-2']);
    expect(events.every((e) => e.type === 'ledger.changes')).toBe(true);

    const view = await eventually(async () => {
      const v = (await t.app.inject({ url: `/v1/subscriptions/${id}`, headers: { 'x-api-key': admin } })).json<{
        offset: string;
        status: string;
      }>();
      return v.status === 'active' && v.offset === seqs().at(-1) ? v : undefined;
    });
    expect(view.status).toBe('active');

    const before = seqs().length;
    const replay = await t.app.inject({
      method: 'POST',
      url: `/v1/subscriptions/${id}/replay`,
      headers: { 'x-api-key': admin },
      payload: { fromOffset: 0 },
    });
    expect(replay.statusCode).toBe(200);
    await eventually(() => Promise.resolve(seqs().length >= before + 2 ? true : undefined));
    expect(seqs().slice(before)).toEqual(seqs().slice(0, 2));
  });

  it('does not sign with another secret (a tampered body fails verification)', () => {
    const r = received[0]!;
    expect(verifyDelivery('s'.repeat(40), r.timestamp, r.body.replace('w-1', 'w-9'), r.signature)).toBe(false);
  });
});
