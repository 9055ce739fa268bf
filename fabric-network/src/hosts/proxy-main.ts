/**
 * The fault proxy as a process (one per namespace): `node proxy-main.js <config.json>`. The config names the routes
 * and a Unix control socket (file system, so reachable from every namespace): `GET /stats`, `GET /faults`,
 * `PUT /faults` with a {@link Faults} body.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { FaultProxy, type Route } from './fault-proxy';

export interface ProxyConfig {
  readonly name: string;
  readonly control: string;
  readonly routes: readonly Route[];
}

function main(): void {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: proxy-main <config.json>');
  const config = JSON.parse(readFileSync(file, 'utf8')) as ProxyConfig;
  const proxy = new FaultProxy(config.routes);
  proxy.start(true);
  rmSync(config.control, { force: true });
  const control = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const reply = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      };
      try {
        if (req.method === 'GET' && req.url === '/stats') reply(200, proxy.stats());
        else if (req.method === 'GET' && req.url === '/faults') reply(200, proxy.faults());
        else if (req.method === 'PUT' && req.url === '/faults') {
          proxy.setFaults(JSON.parse(body) as never);
          reply(200, proxy.faults());
        } else reply(404, { message: `no ${req.method ?? ''} ${req.url ?? ''}` });
      } catch (e) {
        reply(400, { message: (e as Error).message });
      }
    });
  });
  control.listen(config.control);
  const stop = (): void => {
    control.close();
    void proxy.close().then(() => {
      rmSync(config.control, { force: true });
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${config.name}: ${config.routes.length} routes, control ${config.control}\n`);
}

main();
