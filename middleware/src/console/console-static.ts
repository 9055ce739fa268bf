import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where the root build (`packages/console`, Vite) writes the console: the same place from src/ and dist/. */
export const CONSOLE_DIR = resolve(__dirname, '../../../packages/console/dist');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/**
 * Everything the bundle needs comes from this origin (no CDN); the API is called on the same origin. Recharts sets
 * `style` attributes, hence inline styles.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

interface ConsoleFile {
  readonly body: Buffer;
  readonly type: string;
  readonly immutable: boolean;
}

/** The built files, read once: a request can only name one of them (no path is ever joined from the URL). */
export function readConsoleFiles(dir: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  if (!existsSync(dir)) return files;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const path = relative(dir, full).split('\\').join('/');
        const type = TYPES[extname(name)] ?? 'application/octet-stream';
        files.set(path, { body: readFileSync(full), type, immutable: path.startsWith('assets/') });
      }
    }
  };
  walk(dir);
  return files;
}

function send(reply: FastifyReply, file: ConsoleFile): FastifyReply {
  return reply
    .header('content-type', file.type)
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(file.body);
}

/**
 * Serves the operator console at `/console/` (public: the files hold no data; every API call the console makes
 * carries the operator's key). A path without a file extension is a screen of the single-page app: index.html.
 */
export function registerConsole(fastify: FastifyInstance, dir = CONSOLE_DIR): void {
  const files = readConsoleFiles(dir);
  fastify.get('/console', (_req, reply) => reply.redirect('/console/'));
  fastify.get('/console/*', (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    const index = files.get('index.html');
    if (!index) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'console not built' });
    const file = files.get(path === '' ? 'index.html' : path);
    if (file) return send(reply, file);
    if (extname(path) !== '') {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `console file ${path} not found` });
    }
    return send(reply, index);
  });
}
