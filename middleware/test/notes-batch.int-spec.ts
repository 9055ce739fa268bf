import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, testEnv, type TestApp } from './support/test-app';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';

describe('POST /v1/notes/batch', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ WORKERS_ENABLED: 'false' });
    admin = await t.key([...FORMER_ADMIN_SCOPES]);
  });
  afterAll(() => t.close());

  const batch = (payload: unknown): ReturnType<TestApp['app']['inject']> =>
    t.app.inject({
      method: 'POST',
      url: '/v1/notes/batch',
      headers: { 'x-api-key': admin },
      payload: payload as object,
    });
  const items = async (): Promise<number> =>
    (await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM intake_items'))[0]!.n;

  it('accepts every note in one answer, reports duplicates and conflicts per note', async () => {
    await batch({ notes: [{ id: 'b-0', text: 'old' }] });
    const res = await batch({
      notes: [
        { id: 'b-1', text: 'a' },
        { id: 'b-0', text: 'old' },
        { id: 'b-0', text: 'new' },
        { id: 'b-2', text: 'c' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const out = res.json<{ id: string; outcome: string; message?: string }[]>();
    expect(out.map((o) => [o.id, o.outcome])).toEqual([
      ['b-1', 'accepted'],
      ['b-0', 'duplicate'],
      ['b-0', 'rejected'],
      ['b-2', 'accepted'],
    ]);
    expect(out[2]!.message).toMatch(/already accepted with different content/);
    expect(await items()).toBe(3);
  });

  it.each([
    ['empty list', { notes: [] }, /^notes must contain at least 1 elements/],
    ['not a list', { notes: 'x' }, /^notes /],
    [
      'bad note inside',
      {
        notes: [
          { id: 'ok', text: 'x' },
          { id: 'bad id', text: 'x' },
        ],
      },
      /^notes\.1\.id may contain only/,
    ],
    [
      'too many',
      { notes: Array.from({ length: 1001 }, (_, i) => ({ id: `m-${i}`, text: 'x' })) },
      /^notes must contain no more than 1000 elements/,
    ],
  ])('refuses %s naming the field, storing nothing', async (_name, payload, message) => {
    const before = await items();
    const res = await batch(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(message);
    expect(await items()).toBe(before);
  });
});

describe('cli apikey', () => {
  const run = promisify(execFile);
  const cli = (args: string[], env: Record<string, string>): Promise<{ stdout: string }> =>
    run(
      process.execPath,
      ['-r', path.join(__dirname, 'support', 'ts-register.js'), path.join(__dirname, '..', 'src', 'cli.ts'), ...args],
      {
        env: { ...process.env, ...env },
      },
    );

  it('creates a key that authenticates, and refuses a key for another mall', async () => {
    const t = await startTestApp({ WORKERS_ENABLED: 'false' });
    try {
      const env = testEnv(t.config.databaseUrl);
      const { stdout } = await cli(
        ['apikey', 'create', '--mall', 'MallAMSP', '--scopes', 'keys:admin,points:read', '--name', 'ops'],
        env,
      );
      const created = JSON.parse(stdout) as { key: string; scopes: string[] };
      expect(created.scopes).toEqual(['keys:admin', 'points:read']);
      const res = await t.app.inject({ url: '/v1/admin/api-keys', headers: { 'x-api-key': created.key } });
      expect(res.statusCode).toBe(200);
      await expect(
        cli(['apikey', 'create', '--mall', 'MallBMSP', '--scopes', 'keys:admin'], env),
      ).rejects.toMatchObject({
        stderr: expect.stringContaining('this middleware serves MallAMSP, not MallBMSP') as unknown,
      });
      await expect(cli(['apikey', 'create', '--mall', 'MallAMSP', '--scopes', 'root'], env)).rejects.toMatchObject({
        stderr: expect.stringContaining('unknown scope root') as unknown,
      });
      // The retired scope is refused by name: a new key names what it needs.
      await expect(
        cli(['apikey', 'create', '--mall', 'MallAMSP', '--scopes', 'admin,webhooks'], env),
      ).rejects.toMatchObject({ stderr: expect.stringContaining('unknown scope admin') as unknown });
    } finally {
      await t.close();
    }
    // Three CLI processes that each compile TypeScript on load: generous for a loaded machine.
  }, 120_000);
});
