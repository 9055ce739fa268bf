import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../src/app/app.module';
import type { Scope } from '../../src/auth/scopes';
import { loadConfig } from '../../src/config/load-config';
import { LEDGER } from '../../src/ledger/ledger.port';
import { type ResolveHost, WEBHOOK_RESOLVER } from '../../src/webhooks/destination';
import { FakeLedger } from './fake-ledger';
import { initTestApp, testEnv } from './test-app';
import { closeAll, onFreshDatabase } from './test-db';

/** A resolver the test steers: host name → addresses (`calls` counts look-ups per host). */
export class FakeResolver {
  readonly answers = new Map<string, string[]>();
  readonly calls = new Map<string, number>();

  readonly resolve: ResolveHost = (hostname) => {
    this.calls.set(hostname, (this.calls.get(hostname) ?? 0) + 1);
    const a = this.answers.get(hostname);
    if (a === undefined) return Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
    return Promise.resolve(a.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
}

export interface WebhookApp {
  readonly app: NestFastifyApplication;
  readonly ledger: FakeLedger;
  readonly db: DataSource;
  key(scopes: Scope[]): Promise<string>;
  close(): Promise<void>;
}

/** The real application with the webhook resolver replaced by `resolver` (the system one when absent). */
export function startWebhookApp(env: Record<string, string>, resolver?: FakeResolver): Promise<WebhookApp> {
  return onFreshDatabase(async (database) => {
    const config = loadConfig(testEnv(database.url, env));
    const ledger = new FakeLedger();
    let builder = Test.createTestingModule({
      imports: [AppModule.forRoot(config, { provide: LEDGER, useValue: ledger })],
    });
    if (resolver) builder = builder.overrideProvider(WEBHOOK_RESOLVER).useValue(resolver.resolve);
    const moduleRef = await builder.compile();
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest types its options as a class
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    const { keys, db } = await initTestApp(app).catch(async (e: unknown) => {
      await app.close();
      throw e;
    });
    return {
      app,
      ledger,
      db,
      key: async (scopes) => (await keys.create(config.mallMspId, 'test', scopes)).key,
      close: () =>
        closeAll(
          () => app.close(),
          () => {
            ledger.close();
          },
          () => database.drop(),
        ),
    };
  });
}

export interface Hit {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A webhook receiver on `host`; `answer` decides each reply (default 204). */
export class Receiver {
  readonly hits: Hit[] = [];
  answer: (res: ServerResponse) => void = (res) => res.writeHead(204).end();
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(host = '127.0.0.1'): Promise<Receiver> {
    const r: Receiver = new Receiver(
      createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          r.hits.push({ headers: req.headers, body });
          r.answer(res);
        });
      }),
    );
    await new Promise<void>((ok) => r.#server.listen(0, host, ok));
    return r;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((ok) => {
      this.#server.close(() => {
        ok();
      });
    });
  }
}
