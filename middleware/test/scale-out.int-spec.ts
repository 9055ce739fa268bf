/**
 * The scaled-out deployment of docs/middleware.md ("Scaling out"): API processes with WORKERS_ENABLED=false in front,
 * one worker process behind, one Postgres. Two applications on one real database and one ledger: what the API
 * instance accepts is carried to the ledger and projected by the worker only, with no wake-up signal between them
 * (the worker's batcher finds new rows by its own poll), and the API instance reads the worker's projection.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app/create-app';
import { loadConfig } from '../src/config/load-config';
import { OutboxBatcher } from '../src/intake/outbox.batcher';
import { LEDGER } from '../src/ledger/ledger.port';
import { ProjectionService } from '../src/projection/projection.service';
import { eventually, initTestApp, startTestApp, testEnv, type TestApp } from './support/test-app';

describe('scale-out: an API instance without workers in front of a worker instance, one database', () => {
  let worker: TestApp;
  let api: NestFastifyApplication;
  let key: string;

  beforeAll(async () => {
    worker = await startTestApp();
    const config = loadConfig(
      testEnv(worker.config.databaseUrl, { WORKERS_ENABLED: 'false', MIGRATIONS_RUN: 'false' }),
    );
    api = await createApp(config, { provide: LEDGER, useValue: worker.ledger });
    const { keys } = await initTestApp(api);
    key = (await keys.create('MallAMSP', 'pos', ['notes:write', 'notes:read', 'intake:read'])).key;
  });
  afterAll(async () => {
    await api.close();
    await worker.close();
  });

  const push = async (id: string, text: string): Promise<string> => {
    const res = await api.inject({
      method: 'POST',
      url: '/v1/notes',
      headers: { 'x-api-key': key },
      payload: { id, text },
    });
    expect(res.statusCode).toBe(202);
    return res.json<{ trackingId: string }>().trackingId;
  };
  const status = async (trackingId: string): Promise<string> =>
    (await api.inject({ url: `/v1/intake/${trackingId}`, headers: { 'x-api-key': key } })).json<{ status: string }>()
      .status;

  it('the worker carries and projects what the API instance accepted; the API instance reads it', async () => {
    const before = worker.ledger.txs.length;
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => push(`so-${i}`, `v${i}`)));
    await eventually(async () =>
      (await Promise.all(ids.map(status))).every((s) => s === 'committed') ? true : undefined,
    );
    expect(worker.ledger.txs.length).toBeGreaterThan(before);
    const note = await eventually(async () => {
      const r = await api.inject({ url: '/v1/notes/so-29', headers: { 'x-api-key': key } });
      return r.statusCode === 200 ? r.json<{ text: string }>() : undefined;
    });
    expect(note).toMatchObject({ text: 'v29' });
    // Each note went to the ledger in exactly one transaction.
    const sends = Array.from({ length: 30 }, (_, i) =>
      worker.ledger.txs.filter((tx) => tx.fn === 'info:PutNote' && tx.args.some((a) => a.includes(`"so-${i}"`))),
    );
    expect(sends.map((s) => s.length)).toEqual(sends.map(() => 1));
    const rows = await worker.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM intake_items WHERE natural_key LIKE 'so-%' AND status = 'committed'`,
    );
    expect(rows).toEqual([{ n: 30 }]);
  });

  it('nothing leaves the outbox while the worker is stopped (the API instance carries nothing itself), all of it once it runs', async () => {
    const batcher = worker.app.get(OutboxBatcher);
    await batcher.stop();
    const before = worker.ledger.txs.length;
    const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => push(`held-${i}`, `h${i}`)));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await Promise.all(ids.map(status))).toEqual(ids.map(() => 'pending'));
    expect(worker.ledger.txs.length).toBe(before);
    batcher.start();
    await eventually(async () =>
      (await Promise.all(ids.map(status))).every((s) => s === 'committed') ? true : undefined,
    );
  });

  it('the API instance answers /health as up without a projection listener or batcher of its own', async () => {
    expect((await api.get(ProjectionService).status()).running).toBe(false);
    const res = await api.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
  });
});
