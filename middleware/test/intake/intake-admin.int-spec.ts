import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SERIES_SQL } from '../../src/intake/intake-admin.store';
import { ChaincodeRejectedError } from '../../src/ledger/ledger.port';
import { FakeLedger } from '../support/fake-ledger';
import { eventually, startTestApp, testEnv, type TestApp } from '../support/test-app';

jest.setTimeout(60_000);

const run = promisify(execFile);
const idOf = (args: readonly string[]): string => (JSON.parse(args[0] ?? '{}') as { id: string }).id;

/** Requeue of dead items (API + CLI), with the `ops:admin` scope; a requeued item keeps its tracking ID. */
describe('intake administration', () => {
  let t: TestApp;
  let writer: string;
  let ops: string;
  let refused = new Set<string>();

  beforeAll(async () => {
    t = await startTestApp({ BATCH_WAIT_MS: '5', BATCH_BACKOFF_MS: '5', BATCH_MAX_BACKOFF_MS: '20' }, new FakeLedger());
    writer = await t.key(['notes:write', 'intake:read']);
    ops = await t.key(['ops:admin']);
    t.ledger.beforeSubmit = (_fn, args) =>
      refused.has(idOf(args))
        ? Promise.reject(new ChaincodeRejectedError('NOTE_REFUSED', `note ${idOf(args)} refused for now`))
        : Promise.resolve();
  });
  afterAll(() => t.close());

  const post = (id: string, text = 'x'): Promise<{ status: number; body: Record<string, string> }> =>
    t.app
      .inject({ method: 'POST', url: '/v1/notes', headers: { 'x-api-key': writer }, payload: { id, text } })
      .then((r) => ({ status: r.statusCode, body: r.json<Record<string, string>>() }));
  const status = (id: string): Promise<{ status: string; errorCode: string | null }> =>
    t.app.inject({ url: `/v1/intake/${id}`, headers: { 'x-api-key': writer } }).then((r) => r.json());
  const until = (id: string, wanted: string): Promise<true> =>
    eventually(async () => ((await status(id)).status === wanted ? true : undefined), 10_000);
  const dead = async (id: string): Promise<string> => {
    refused.add(id);
    const trackingId = (await post(id)).body.trackingId ?? '';
    await until(trackingId, 'dead');
    return trackingId;
  };

  it('lists dead items and requeues one under its tracking ID; a re-push then answers the live status', async () => {
    const trackingId = await dead('rq-1');
    const list = await t.app.inject({ url: '/v1/admin/intake?status=dead', headers: { 'x-api-key': ops } });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ trackingId: string; errorCode: string }[]>()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ trackingId, errorCode: 'NOTE_REFUSED', fn: 'info:PutNote', released: false }),
      ]),
    );
    // A re-push of a dead item answers dead (nothing new is stored) until an admin requeues it.
    expect((await post('rq-1')).body).toMatchObject({ trackingId, outcome: 'duplicate', status: 'dead' });
    refused = new Set();
    const rq = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/intake/${trackingId}/requeue`,
      headers: { 'x-api-key': ops },
    });
    expect(rq.statusCode).toBe(200);
    expect(rq.json()).toMatchObject({ trackingId, status: 'pending', errorCode: null });
    await until(trackingId, 'committed');
    expect((await post('rq-1')).body).toMatchObject({ trackingId, outcome: 'duplicate', status: 'committed' });
    expect(t.ledger.txs.filter((x) => idOf(x.args) === 'rq-1')).toHaveLength(1);
    const [row] = await t.db.query<{ history: { status: string; code?: string }[] }[]>(
      'SELECT history FROM intake_items WHERE tracking_id = $1',
      [trackingId],
    );
    expect(row?.history.map((h) => [h.status, h.code])).toEqual([
      ['dead', 'NOTE_REFUSED'],
      ['requeued', 'NOTE_REFUSED'],
    ]);
    const types = await t.db.query<{ type: string }[]>(
      `SELECT type FROM events WHERE data->>'trackingId' = $1 ORDER BY seq`,
      [trackingId],
    );
    expect(types.map((e) => e.type)).toEqual(['intake.dead', 'intake.requeued', 'intake.committed']);
  });

  it('refuses a requeue without ops:admin (403), of an unknown item (404), of a live item (409), bad input (400)', async () => {
    const trackingId = await dead('rq-2');
    const requeue = (id: string, key: string): Promise<number> =>
      t.app
        .inject({ method: 'POST', url: `/v1/admin/intake/${id}/requeue`, headers: { 'x-api-key': key } })
        .then((r) => r.statusCode);
    expect(await requeue(trackingId, writer)).toBe(403);
    expect(await requeue('00000000-0000-4000-8000-00000000dead', ops)).toBe(404);
    refused.delete('rq-3');
    const live = (await post('rq-3')).body.trackingId ?? '';
    await until(live, 'committed');
    expect(await requeue(live, ops)).toBe(409);
    expect(await requeue('not-a-uuid', ops)).toBe(400);
    const bad = await t.app.inject({ url: '/v1/admin/intake?status=committed', headers: { 'x-api-key': ops } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/status/);
    const noList = await t.app.inject({ url: '/v1/admin/intake?status=dead', headers: { 'x-api-key': writer } });
    expect(noList.statusCode).toBe(403);
    expect((await status(trackingId)).status).toBe('dead');
  });

  it('CLI: intake list --status dead and intake requeue <id> work on the database alone', async () => {
    const trackingId = await dead('rq-cli');
    const env = { ...process.env, ...testEnv(t.config.databaseUrl), MIGRATIONS_RUN: 'false' };
    const cli = (...args: string[]): Promise<{ stdout: string }> =>
      run(
        process.execPath,
        ['-r', path.join(__dirname, '../support/ts-register.js'), path.join(__dirname, '../../src/cli.ts'), ...args],
        {
          env,
        },
      );
    const listed = JSON.parse((await cli('intake', 'list', '--status', 'dead')).stdout) as { trackingId: string }[];
    expect(listed.map((i) => i.trackingId)).toContain(trackingId);
    refused.delete('rq-cli');
    const requeued = JSON.parse((await cli('intake', 'requeue', trackingId)).stdout) as { status: string };
    expect(requeued.status).toBe('pending');
    await until(trackingId, 'committed');
    await expect(cli('intake', 'requeue', trackingId)).rejects.toMatchObject({
      stderr: expect.stringMatching(/is committed; only a dead item can be requeued/) as unknown,
    });
    await expect(cli('intake', 'list', '--status', 'bogus')).rejects.toMatchObject({ code: 2 });
  }, 300_000);

  it('summarises items per kind and state, and per hour accepted; a stalled item counts as stalled, not pending', async () => {
    type Summary = {
      counts: { kind: string; status: string; count: number }[];
      window: string;
      bucket: string;
      series: { start: string; status: string; count: number }[];
    };
    const summary = async (window?: string): Promise<Summary> => {
      const url = `/v1/admin/intake/summary${window === undefined ? '' : `?window=${window}`}`;
      const r = await t.app.inject({ url, headers: { 'x-api-key': ops } });
      expect(r.statusCode).toBe(200);
      return r.json<Summary>();
    };
    const count = (s: Summary, status: string): number =>
      s.counts.filter((c) => c.kind === 'note' && c.status === status).reduce((n, c) => n + c.count, 0);
    const hour = (s: Summary): number => s.series.reduce((n, h) => n + h.count, 0);
    const before = await summary();
    // One held at the ledger (pending, then marked stalled as the batcher would), one committed, one dead.
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    const hold = new Set(['sum-held']);
    const previous = t.ledger.beforeSubmit;
    t.ledger.beforeSubmit = (fn, args) => (hold.has(idOf(args)) ? held : (previous?.(fn, args) ?? Promise.resolve()));
    const heldId = (await post('sum-held')).body.trackingId ?? '';
    await until((await post('sum-ok')).body.trackingId ?? '', 'committed');
    await dead('sum-dead');
    await t.db.query(`UPDATE intake_items SET stalled_at = now() WHERE tracking_id = $1 AND status = 'pending'`, [
      heldId,
    ]);
    const after = await summary();
    expect(['pending', 'stalled', 'committed', 'dead'].map((st) => count(after, st) - count(before, st))).toEqual([
      0, 1, 1, 1,
    ]);
    expect(hour(after) - hour(before)).toBe(3);
    expect([after.window, after.bucket]).toEqual(['24h', 'hour']);
    expect(after.series.every((h) => /^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/.test(h.start))).toBe(true);
    release();
    t.ledger.beforeSubmit = previous;
    await until(heldId, 'committed');
    const settled = await summary();
    expect([count(settled, 'stalled'), count(settled, 'committed') - count(after, 'committed')]).toEqual([0, 1]);
    const denied = await t.app.inject({ url: '/v1/admin/intake/summary', headers: { 'x-api-key': writer } });
    expect(denied.statusCode).toBe(403);
  });

  it('gives 7 and 30 days per Asia/Shanghai day: items 3 and 20 days old fall in their day, older ones outside', async () => {
    type Summary = { window: string; bucket: string; series: { start: string; status: string; count: number }[] };
    const get = async (window: string): Promise<Summary> => {
      const r = await t.app.inject({ url: `/v1/admin/intake/summary?window=${window}`, headers: { 'x-api-key': ops } });
      expect([window, r.statusCode]).toEqual([window, 200]);
      return r.json<Summary>();
    };
    const ids: string[] = [];
    for (const id of ['hist-3d', 'hist-20d', 'hist-40d']) {
      const trackingId = (await post(id)).body.trackingId ?? '';
      await until(trackingId, 'committed');
      ids.push(trackingId);
    }
    // Accepted at 12:00 Asia/Shanghai 3, 20 and 40 days ago (04:00Z): inside the day of that date whatever the hour now.
    const shanghaiDay = (daysAgo: number): string =>
      new Date(Date.now() + 8 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const at = (daysAgo: number): string => `${shanghaiDay(daysAgo)}T04:00:00Z`;
    for (const [i, d] of [3, 20, 40].entries())
      await t.db.query(`UPDATE intake_items SET created_at = $2 WHERE tracking_id = $1`, [ids[i], at(d)]);
    const dayStart = (daysAgo: number): string =>
      new Date(Date.parse(`${shanghaiDay(daysAgo)}T00:00:00+08:00`)).toISOString();
    const inDay = (s: Summary, daysAgo: number): number =>
      s.series
        .filter((b) => b.start === dayStart(daysAgo) && b.status === 'committed')
        .reduce((n, b) => n + b.count, 0);
    const week = await get('7d');
    const month = await get('30d');
    expect([week.bucket, month.bucket]).toEqual(['day', 'day']);
    expect(week.series.every((b) => b.start.endsWith('T16:00:00.000Z'))).toBe(true);
    expect([inDay(week, 3), inDay(week, 20), inDay(month, 3), inDay(month, 20)]).toEqual([1, 0, 1, 1]);
    expect(month.series.some((b) => b.start === dayStart(40))).toBe(false);
    // No bucket starts before the window (the first day may be partial).
    expect(Math.min(...month.series.map((b) => Date.parse(b.start)))).toBeGreaterThan(Date.now() - 31 * 86_400_000);
  });

  it('refuses a window it does not offer with 400 naming the parameter', async () => {
    for (const bad of ['1y', '365d', '24', '', '7d;DROP', '0h'].map(encodeURIComponent).concat(['7d&window=30d'])) {
      const r = await t.app.inject({ url: `/v1/admin/intake/summary?window=${bad}`, headers: { 'x-api-key': ops } });
      expect([bad, r.statusCode]).toEqual([bad, 400]);
      expect([bad, JSON.stringify(r.json())]).toEqual([bad, expect.stringContaining('window')]);
    }
  });

  it('reads the window through the created_at index, not a scan of the whole intake table', async () => {
    // The planner may prefer a sequential scan on a table this small; with it disabled, a plan must still exist
    // that reads intake_items only through intake_items_created_at (no "Seq Scan on intake_items").
    for (const start of [
      `date_trunc('hour', created_at)`,
      `date_trunc('day', created_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'`,
    ]) {
      const plan = await t.db.transaction(async (m) => {
        await m.query('SET LOCAL enable_seqscan = off');
        const rows = await m.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${SERIES_SQL(start)}`, [720]);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('intake_items_created_at');
      expect(plan).not.toMatch(/Seq Scan on intake_items/);
    }
  });
});
