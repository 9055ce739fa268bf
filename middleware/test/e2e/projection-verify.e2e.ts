/**
 * The read model checked against the world state of a real peer (`info:GetNote` evaluated through the
 * Gateway driver), a drifted row found by the API and by the CLI, and `rebuild --swap` repairing it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { requireNetwork, uniqueId } from '../ledger/network';
import { call, committedItem, poll } from './support/http';
import { startRealApp, type RealApp } from './support/real-app';
import { realEnv } from './support/real-env';
import type { VerifyCounts as Counts, VerifyReport as Report } from '../../src/projection/verify.service';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);

describe('projection verify and rebuild --swap on the dev network', () => {
  let app: RealApp;
  let db: DataSource;
  let networkFile: string;
  const ids = [uniqueId('verify-a'), uniqueId('verify-b'), uniqueId('verify-c')];

  beforeAll(async () => {
    networkFile = requireNetwork();
    if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
    app = await startRealApp(networkFile);
    db = new DataSource({ type: 'postgres', url: app.databaseUrl });
    await db.initialize();
    for (const id of ids) {
      const r = await call<{ trackingId: string }>(app.base, app.key, 'POST', '/v1/notes', { id, text: `t ${id}` });
      expect(r.status).toBe(202);
      await committedItem(app.base, app.key, r.body.trackingId);
    }
    for (const id of ids) {
      await poll(`note ${id} in the read model`, async () => {
        const r = await call(app.base, app.key, 'GET', `/v1/notes/${id}`);
        return r.status === 200 ? true : undefined;
      });
    }
  }, 300_000);
  afterAll(async () => {
    await db.destroy();
    await app.close();
  });

  const verify = async (): Promise<Report> => {
    const r = await call<Report>(app.base, app.key, 'POST', '/v1/admin/projection/verify', { maxExamples: 10 });
    expect(r.status).toBe(200);
    return r.body;
  };
  const notes = (r: Report): Counts | undefined => r.tables.find((t) => t.table === 'notes');

  it('finds every note of the channel equal to the peer’s world state', async () => {
    const r = await verify();
    expect(r.equal).toBe(true);
    expect(r.keysChecked).toBeGreaterThanOrEqual(ids.length);
    expect(notes(r)).toMatchObject({ differing: 0, missing: 0 });
    expect(notes(r)!.equal).toBe(r.keysChecked);
  }, 300_000);

  it('reports a row edited in Postgres as differing, through the API and the CLI (exit 3)', async () => {
    await db.query(`UPDATE notes SET text = 'edited behind the ledger' WHERE id = $1`, [ids[1]]);
    const r = await verify();
    expect(r.equal).toBe(false);
    expect(notes(r)).toMatchObject({ differing: 1, missing: 0 });
    expect(r.examples).toEqual([
      expect.objectContaining({
        table: 'notes',
        id: `note/${ids[1]!}`,
        problem: 'differs',
        readModel: expect.objectContaining({ text: 'edited behind the ledger' }) as unknown,
        ledger: expect.objectContaining({ text: `t ${ids[1]!}` }) as unknown,
      }),
    ]);
    const env = { ...process.env, ...realEnv(networkFile, app.databaseUrl), MIGRATIONS_RUN: 'false' };
    const cli = await run('node', [CLI, 'projection', 'verify'], { env }).then(
      () => ({ code: 0, stdout: '' }),
      (e: unknown) => e as { code: number; stdout: string },
    );
    expect(cli.code).toBe(3);
    expect((JSON.parse(cli.stdout) as Report).examples[0]?.id).toBe(`note/${ids[1]!}`);
    const list = await run('node', [CLI, 'projection', 'quarantine', 'list', '--status', 'parked'], { env });
    expect(JSON.parse(list.stdout)).toEqual([]);
    const bad = await run('node', [CLI, 'projection', 'quarantine', 'reapply', 'nope'], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/id: must be a UUID/);
  }, 300_000);

  it('rebuild --swap replaces the drifted read model with one replayed from block 0', async () => {
    const r = await call<{ swapped: boolean; equal: boolean }>(
      app.base,
      app.key,
      'POST',
      '/v1/admin/projection/rebuild',
      {
        mode: 'swap',
      },
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ swapped: true, equal: false });
    expect(await db.query(`SELECT text FROM notes WHERE id = $1`, [ids[1]])).toEqual([{ text: `t ${ids[1]!}` }]);
    expect((await verify()).equal).toBe(true);
    // The live projection runs on the swapped tables.
    const id = uniqueId('verify-after');
    const put = await call<{ trackingId: string }>(app.base, app.key, 'POST', '/v1/notes', { id, text: 'after' });
    await committedItem(app.base, app.key, put.body.trackingId);
    await poll(`note ${id} in the swapped read model`, async () => {
      const got = await call(app.base, app.key, 'GET', `/v1/notes/${id}`);
      return got.status === 200 ? true : undefined;
    });
  }, 300_000);
});
