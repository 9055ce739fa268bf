/**
 * The Universal Resolver driver process (docker/did-driver/Dockerfile): serves `GET /1.0/identifiers/{did}` on
 * `PORT` (default 8080) by forwarding to a mallchain middleware's DID Resolution binding (`MALLCHAIN_RESOLVER_URL`),
 * status, media type and body passed on unchanged; `GET /health` answers 200 while the process runs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface DriverOptions {
  /** The middleware's base URL, e.g. `http://middleware-mall-a:7300`. */
  readonly upstream: string;
  readonly timeoutMs?: number;
}

const PATH = /^\/1\.0\/identifiers\/([^/?#]+)(\?.*)?$/;

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

/** The upstream URL for a driver request, or undefined for a route the driver does not serve. */
function targetOf(req: IncomingMessage, upstream: string): URL | undefined {
  const m = req.method === 'GET' ? PATH.exec(req.url ?? '') : null;
  if (!m) return undefined;
  return new URL(`/1.0/identifiers/${m[1] ?? ''}${m[2] ?? ''}`, upstream);
}

async function forward(req: IncomingMessage, res: ServerResponse, o: DriverOptions): Promise<void> {
  if (req.method === 'GET' && req.url === '/health') {
    reply(res, 200, 'application/json', '{"status":"up"}');
    return;
  }
  const target = targetOf(req, o.upstream);
  if (!target) {
    reply(res, 404, 'application/json', '{"error":"not found"}');
    return;
  }
  const accept = req.headers.accept;
  try {
    const up = await fetch(target, {
      headers: accept === undefined ? {} : { accept },
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    reply(res, up.status, up.headers.get('content-type') ?? 'application/json', await up.text());
  } catch (e) {
    const problem = {
      type: 'https://www.w3.org/ns/did#INTERNAL_ERROR',
      title: 'The resolver could not resolve the DID.',
      status: 500,
      detail: `upstream ${o.upstream}: ${e instanceof Error ? e.message : String(e)}`,
    };
    reply(res, 500, 'application/problem+json', JSON.stringify(problem));
  }
}

/** The driver's HTTP server (not listening yet). */
export function driverServer(o: DriverOptions): Server {
  return createServer((req, res) => {
    void forward(req, res, o);
  });
}

if (require.main === module) {
  const upstream = process.env.MALLCHAIN_RESOLVER_URL;
  if (upstream === undefined || !/^https?:\/\//.test(upstream)) {
    process.stderr.write('MALLCHAIN_RESOLVER_URL: is required (http(s)://host:port of a mallchain middleware)\n');
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? '8080');
  driverServer({ upstream }).listen(port, process.env.HOST ?? '0.0.0.0');
}
