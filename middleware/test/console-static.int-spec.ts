import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerConsole } from '../src/console/console-static';

describe('console static files at /console/', () => {
  let app: FastifyInstance;
  const dir = mkdtempSync(join(tmpdir(), 'mc-console-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'mc-console-secret.txt'), 'outside');

  beforeAll(async () => {
    app = Fastify();
    registerConsole(app, dir);
    await app.ready();
  });
  afterAll(() => app.close());

  it('redirects /console to /console/ and serves index.html there, never cached, with a same-origin CSP', async () => {
    const r = await app.inject({ url: '/console' });
    expect([r.statusCode, r.headers.location]).toEqual([302, '/console/']);
    const index = await app.inject({ url: '/console/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('id="root"');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['content-security-policy']).toContain("script-src 'self';");
  });

  it('serves a hashed asset with its type, cached for good', async () => {
    const r = await app.inject({ url: '/console/assets/index-abc.js' });
    expect([r.statusCode, r.body, r.headers['content-type']]).toEqual([
      200,
      'console.log(1)',
      'text/javascript; charset=utf-8',
    ]);
    expect(r.headers['cache-control']).toContain('immutable');
  });

  it('answers a screen path with index.html (single-page app) and a missing file with 404 naming it', async () => {
    const screen = await app.inject({ url: '/console/devices' });
    expect([screen.statusCode, screen.body]).toEqual([200, '<!doctype html><div id="root"></div>']);
    const missing = await app.inject({ url: '/console/assets/nope.js' });
    expect([missing.statusCode, missing.json()]).toEqual([
      404,
      { statusCode: 404, error: 'Not Found', message: 'console file assets/nope.js not found' },
    ]);
  });

  it('never reads outside the built directory', async () => {
    for (const url of [
      '/console/../mc-console-secret.txt',
      '/console/%2e%2e/mc-console-secret.txt',
      '/console/..%2fmc-console-secret.txt',
    ]) {
      const r = await app.inject({ url });
      expect([url, r.body.includes('outside')]).toEqual([url, false]);
    }
  });

  it('says the console is not built when the directory is missing', async () => {
    const bare = Fastify();
    registerConsole(bare, join(dir, 'missing'));
    const r = await bare.inject({ url: '/console/' });
    expect([r.statusCode, r.json<{ message: string }>().message]).toEqual([404, 'console not built']);
    await bare.close();
  });
});
