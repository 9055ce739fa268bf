import { startTestApp, type TestApp } from './support/test-app';

describe('GET /v1/intake/{trackingId}: scope intake:read, only items of the caller’s mall', () => {
  let t: TestApp;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    t = await startTestApp({ WORKERS_ENABLED: 'false' });
    writer = await t.key(['notes:write']);
    reader = await t.key(['intake:read']);
  });
  afterAll(() => t.close());

  const status = (id: string, key: string): ReturnType<TestApp['app']['inject']> =>
    t.app.inject({ url: `/v1/intake/${id}`, headers: { 'x-api-key': key } });
  const push = async (id: string): Promise<string> => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/notes',
      headers: { 'x-api-key': writer },
      payload: { id, text: 'x' },
    });
    expect(res.statusCode).toBe(202);
    return res.json<{ trackingId: string }>().trackingId;
  };

  it('needs intake:read (a key that may push may not read statuses unless it has it)', async () => {
    const id = await push('s-1');
    const res = await status(id, writer);
    expect(res.statusCode).toBe(403);
    expect(res.json<{ message: string }>().message).toBe('API key lacks scope intake:read');
    expect((await status(id, reader)).json()).toMatchObject({ trackingId: id, status: 'pending', naturalKey: 's-1' });
  });

  it('answers an item of another mall as it answers an unknown ID (404), so IDs do not leak', async () => {
    const id = await push('s-2');
    // The item was pushed with a key that belongs to MallB (a database restored from, or shared with, mall B).
    const [b] = await t.db.query<{ id: string }[]>(
      `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes)
       VALUES ('MallBMSP', 'b-pos', 'x', encode(sha256('mck_b_pos'::bytea), 'hex'), '{notes:write,intake:read}') RETURNING id`,
    );
    await t.db.query('UPDATE intake_items SET api_key_id = $1 WHERE tracking_id = $2', [b!.id, id]);
    const foreign = await status(id, reader);
    const unknown = await status('00000000-0000-4000-8000-000000000000', reader);
    expect(foreign.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(foreign.json<{ message: string }>().message).toBe(`intake item ${id} does not exist`);
    // Mall B's own key is refused by the guard before any look-up: the same 403 for every ID.
    const byB = await status(id, 'mck_b_pos');
    const byBUnknown = await status('00000000-0000-4000-8000-000000000000', 'mck_b_pos');
    expect([byB.statusCode, byBUnknown.statusCode]).toEqual([403, 403]);
    expect(byB.json()).toEqual(byBUnknown.json());
  });

  it('shows an item pushed by a since-revoked key of this mall, or by no key, to this mall', async () => {
    const id = await push('s-3');
    await t.db.query('UPDATE intake_items SET api_key_id = NULL WHERE tracking_id = $1', [id]);
    expect((await status(id, reader)).statusCode).toBe(200);
  });
});
