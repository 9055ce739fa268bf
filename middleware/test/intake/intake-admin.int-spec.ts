import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
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
      expect.arrayContaining([expect.objectContaining({ trackingId, errorCode: 'NOTE_REFUSED', fn: 'info:PutNote' })]),
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
      hourly: { hour: string; status: string; count: number }[];
    };
    const summary = async (): Promise<Summary> => {
      const r = await t.app.inject({ url: '/v1/admin/intake/summary', headers: { 'x-api-key': ops } });
      expect(r.statusCode).toBe(200);
      return r.json<Summary>();
    };
    const count = (s: Summary, status: string): number =>
      s.counts.filter((c) => c.kind === 'note' && c.status === status).reduce((n, c) => n + c.count, 0);
    const hour = (s: Summary): number => s.hourly.reduce((n, h) => n + h.count, 0);
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
    expect(after.hourly.every((h) => /^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/.test(h.hour))).toBe(true);
    release();
    t.ledger.beforeSubmit = previous;
    await until(heldId, 'committed');
    const settled = await summary();
    expect([count(settled, 'stalled'), count(settled, 'committed') - count(after, 'committed')]).toEqual([0, 1]);
    const denied = await t.app.inject({ url: '/v1/admin/intake/summary', headers: { 'x-api-key': writer } });
    expect(denied.statusCode).toBe(403);
  });
});
