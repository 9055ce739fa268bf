import { FakeLedger } from './support/fake-ledger';
import { eventually, startTestApp, type TestApp } from './support/test-app';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';

describe('notes: intake → outbox → ledger → projection → read', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({}, new FakeLedger());
    admin = await t.key([...FORMER_ADMIN_SCOPES]);
  });
  afterAll(() => t.close());

  const post = (body: unknown, key = admin): ReturnType<TestApp['app']['inject']> =>
    t.app.inject({ method: 'POST', url: '/v1/notes', headers: { 'x-api-key': key }, payload: body as object });

  it('accepts, commits, projects and serves a note from the cache and from the ledger', async () => {
    const res = await post({ id: 'n-1', text: 'hello' });
    expect(res.statusCode).toBe(202);
    const ack = res.json<{ trackingId: string; outcome: string }>();
    expect(ack.outcome).toBe('accepted');

    const status = await eventually(async () => {
      const s = await t.app.inject({ url: `/v1/intake/${ack.trackingId}`, headers: { 'x-api-key': admin } });
      const body = s.json<{ status: string; txId: string; blockNumber: string }>();
      return body.status === 'committed' ? body : undefined;
    });
    expect(status.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(t.ledger.txs.filter((x) => x.args[0]?.includes('"n-1"'))).toHaveLength(1);

    const cached = await eventually(async () => {
      const r = await t.app.inject({ url: '/v1/notes/n-1', headers: { 'x-api-key': admin } });
      return r.statusCode === 200 ? r.json<{ text: string; txId: string; source: string }>() : undefined;
    });
    expect(cached).toMatchObject({
      text: 'hello',
      txId: status.txId,
      source: 'cache',
      blockNumber: status.blockNumber,
    });

    const fromLedger = await t.app.inject({ url: '/v1/notes/n-1?consistency=ledger', headers: { 'x-api-key': admin } });
    expect(fromLedger.json()).toMatchObject({ id: 'n-1', text: 'hello', writtenBy: 'MallAMSP', source: 'ledger' });
  });

  it('answers a re-sent identical note with the original tracking ID and refuses changed content with 409', async () => {
    const first = (await post({ id: 'n-dup', text: 'same' })).json<{ trackingId: string }>();
    const again = await post({ id: 'n-dup', text: 'same' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ trackingId: first.trackingId, outcome: 'duplicate' });
    const changed = await post({ id: 'n-dup', text: 'different' });
    expect(changed.statusCode).toBe(409);
    expect(changed.json<{ message: string }>().message).toContain(first.trackingId);
    const rows = await t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_items WHERE natural_key = 'n-dup'`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('settles concurrent requests for the same key as one item', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => post({ id: 'n-race', text: 'x' })));
    const ids = new Set(results.map((r) => r.json<{ trackingId: string }>().trackingId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.statusCode === 202)).toHaveLength(1);
  });

  it('reads unknown notes as 404 from the cache and from the ledger', async () => {
    const cache = await t.app.inject({ url: '/v1/notes/nope', headers: { 'x-api-key': admin } });
    expect(cache.statusCode).toBe(404);
    expect(cache.json<{ message: string }>().message).toBe('note nope does not exist');
    const ledger = await t.app.inject({ url: '/v1/notes/nope?consistency=ledger', headers: { 'x-api-key': admin } });
    expect(ledger.statusCode).toBe(404);
    const bad = await t.app.inject({ url: '/v1/notes/n-1?consistency=eventual', headers: { 'x-api-key': admin } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toMatch(/^consistency/);
  });
});
