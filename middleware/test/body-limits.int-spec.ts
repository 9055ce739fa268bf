import { startTestApp, type TestApp } from './support/test-app';

const MIB = 1_048_576;
const SMALL = 65_536;
const BATCH = 8 * MIB;
const LINE = 16_384;

/** `json` padded with spaces after its last character (still valid JSON) to exactly `bytes` bytes. */
const padded = (json: string, bytes: number): string => {
  const length = Buffer.byteLength(json);
  if (length > bytes) throw new Error(`body of ${length} bytes is already past ${bytes}`);
  return json + ' '.repeat(bytes - length);
};

/** One NDJSON line of a note, padded inside the object to exactly `bytes` bytes (before the line break). */
const noteLine = (id: string, bytes = 0): string => {
  const line = JSON.stringify({ id, text: 'x' });
  return bytes === 0 ? line : `${line.slice(0, -1)}${' '.repeat(bytes - Buffer.byteLength(line))}}`;
};

describe('body limits per route, and the streaming application/x-ndjson reader', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ WORKERS_ENABLED: 'false' });
    key = await t.key(['notes:write', 'webhooks']);
  });
  afterAll(() => t.close());

  const post = (url: string, payload: string, type = 'application/json'): ReturnType<TestApp['app']['inject']> =>
    t.app.inject({ method: 'POST', url, headers: { 'x-api-key': key, 'content-type': type }, payload });
  const items = async (): Promise<number> =>
    (await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM intake_items'))[0]!.n;
  const notes = (prefix: string, n: number, text = 'é'.repeat(1024)): { id: string; text: string }[] =>
    Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, text }));

  it('takes a valid batch of 1,000 full-size notes (past the old global 1 MiB)', async () => {
    const body = JSON.stringify({ notes: notes('full', 1000) });
    expect(Buffer.byteLength(body)).toBeGreaterThan(MIB);
    const res = await post('/v1/notes/batch', body);
    expect(res.statusCode).toBe(200);
    expect(res.json<{ outcome: string }[]>().filter((r) => r.outcome === 'accepted')).toHaveLength(1000);
  });

  it('batch route: exactly BATCH_BODY_LIMIT_BYTES (8 MiB) is accepted, one byte more is 413 and stores nothing', async () => {
    const json = JSON.stringify({ notes: notes('edge', 10, 'x') });
    const ok = await post('/v1/notes/batch', padded(json, BATCH));
    expect(ok.statusCode).toBe(200);
    const before = await items();
    const big = await post('/v1/notes/batch', padded(JSON.stringify({ notes: notes('over', 10, 'x') }), BATCH + 1));
    expect(big.statusCode).toBe(413);
    expect(big.json<{ message: string }>().message).toMatch(/too large/i);
    expect(await items()).toBe(before);
  });

  it('every other route keeps the small limit: exactly 64 KiB accepted, one byte more 413', async () => {
    const note = JSON.stringify({ id: 'small-1', text: 'x' });
    expect((await post('/v1/notes', padded(note, SMALL))).statusCode).toBe(202);
    const before = await items();
    expect((await post('/v1/notes', padded(JSON.stringify({ id: 'small-2', text: 'x' }), SMALL + 1))).statusCode).toBe(
      413,
    );
    expect((await post('/v1/subscriptions', padded('{"url":"http://93.184.216.34/"}', SMALL + 1))).statusCode).toBe(
      413,
    );
    expect(await items()).toBe(before);
  });

  it('NDJSON upload: one note per line, each answered in order', async () => {
    const body = `${noteLine('nd-1')}\n${noteLine('nd-2')}\r\n\n${noteLine('nd-3')}`;
    const res = await post('/v1/notes/import', body, 'application/x-ndjson');
    expect(res.statusCode).toBe(200);
    expect(res.json<{ id: string; outcome: string }[]>().map((r) => [r.id, r.outcome])).toEqual([
      ['nd-1', 'accepted'],
      ['nd-2', 'accepted'],
      ['nd-3', 'accepted'],
    ]);
  });

  it('NDJSON: a body of exactly the batch limit in lines of exactly the max line length is accepted; one byte more 413', async () => {
    const lines = Array.from({ length: BATCH / LINE }, (_, i) => noteLine(`ndmax-${i}`, LINE - 1));
    const body = `${lines.join('\n')}\n`;
    expect(Buffer.byteLength(body)).toBe(BATCH);
    const res = await post('/v1/notes/import', body, 'application/x-ndjson');
    expect(res.statusCode).toBe(200);
    expect(res.json<unknown[]>()).toHaveLength(BATCH / LINE);
    const before = await items();
    const over = await post('/v1/notes/import', `${body} `, 'application/x-ndjson');
    expect(over.statusCode).toBe(413);
    expect(await items()).toBe(before);
  });

  it.each([
    [
      'a line one byte past the max length',
      `${noteLine('l-1')}\n${noteLine('l-2', LINE + 1)}\n`,
      'line 2: longer than 16384 bytes',
    ],
    ['a line that is not JSON', `${noteLine('j-1')}\n${noteLine('j-2')}\n{"id": "j-3",\n`, /^line 3: not valid JSON/],
    ['a bad note', `${noteLine('b-1')}\n{"id":"bad id","text":"x"}\n`, /^line 2: id may contain only/],
    ['a line that is not an object', `${noteLine('o-1')}\n[1,2]\n`, 'line 2: must be an object'],
    ['no line at all', '\n\n', 'the upload must contain at least 1 note'],
  ])('NDJSON: refuses %s with 400 naming the line, storing nothing', async (_name, body, message) => {
    const before = await items();
    const res = await post('/v1/notes/import', body, 'application/x-ndjson');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(message);
    expect(await items()).toBe(before);
  });

  it('NDJSON: refuses more than NDJSON_MAX_LINES lines, naming the first line past it', async () => {
    const body = Array.from({ length: 10_001 }, (_, i) => `{"id":"c-${i}","text":"x"}`).join('\n');
    const res = await post('/v1/notes/import', body, 'application/x-ndjson');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toBe('line 10001: more than 10000 lines');
  });

  it('NDJSON only where a route takes it (415 elsewhere), and the upload route only takes NDJSON', async () => {
    expect((await post('/v1/notes', noteLine('w-1'), 'application/x-ndjson')).statusCode).toBe(415);
    const json = await post('/v1/notes/import', JSON.stringify({ notes: [{ id: 'w-2', text: 'x' }] }));
    expect(json.statusCode).toBe(400);
    expect(json.json<{ message: string }>().message).toBe(
      'request body must be application/x-ndjson (one note per line)',
    );
  });
});
