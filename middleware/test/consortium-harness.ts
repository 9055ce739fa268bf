// The real application (real Postgres, real HTTP stack) with the Fabric side of the consortium
// endpoints replaced by FakeNetwork through the CONSORTIUM_ADMIN_FACTORY provider token.
import type { DynamicModule } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { DataSource } from 'typeorm';
import { AppModule } from '../src/app/app.module';
import type { Scope } from '../src/auth/scopes';
import { loadConfig } from '../src/config/load-config';
import { CONSORTIUM_ADMIN_FACTORY } from '../src/consortium/consortium-admin.port';
import { FakeNetwork } from '../src/consortium/testing/fake-network';
import { LEDGER } from '../src/ledger/ledger.port';
import { FakeLedger } from './support/fake-ledger';
import { initTestApp, testEnv } from './support/test-app';
import { closeAll, onFreshDatabase } from './support/test-db';

export interface AuditRow {
  actor: string;
  actor_key_id: string | null;
  actor_key_name: string | null;
  actor_msp_id: string | null;
  operation: string;
  target: Record<string, unknown>;
  result: 'ok' | 'refused' | 'failed';
  error: { code: string; message: string; details?: Record<string, unknown> } | null;
  outcome: Record<string, unknown> | null;
  steps: { operation: string; result: string }[];
  started_at: Date;
  finished_at: Date;
  /** Requests the row stands for (refusals before the service ran are aggregated). */
  count: number;
  client_address: string | null;
}

export interface ConsortiumApp {
  readonly app: NestFastifyApplication;
  readonly databaseUrl: string;
  readonly net: FakeNetwork;
  readonly db: DataSource;
  /** A key of this mall (MallAMSP) with `scopes`, named `name`. */
  key(scopes: Scope[], name?: string): Promise<string>;
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key?: string, body?: unknown): Promise<Reply>;
  /** Audit rows, oldest first. */
  audit(): Promise<AuditRow[]>;
  close(): Promise<void>;
}

export interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown> & { message?: string; error?: string };
}

export const BASE = '/v1/admin/consortium';

export function startConsortiumApp(
  net = new FakeNetwork(),
  extra: Record<string, string> = {},
  extraModules: NonNullable<DynamicModule['imports']> = [],
): Promise<ConsortiumApp> {
  return onFreshDatabase((database) =>
    openConsortiumApp(database.url, net, extra, extraModules, () => database.drop()),
  );
}

/**
 * The same application on an existing database (`databaseUrl`): a second middleware instance of the mall beside one
 * from `startConsortiumApp`. `drop` runs last on close (the first instance's close drops the database).
 */
export async function openConsortiumApp(
  databaseUrl: string,
  net = new FakeNetwork(),
  extra: Record<string, string> = {},
  extraModules: NonNullable<DynamicModule['imports']> = [],
  drop: () => Promise<void> = () => Promise.resolve(),
): Promise<ConsortiumApp> {
  const config = loadConfig(testEnv(databaseUrl, { WORKERS_ENABLED: 'false', ...extra }));
  const ledger = new FakeLedger();
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config, { provide: LEDGER, useValue: ledger }), ...extraModules],
  })
    .overrideProvider(CONSORTIUM_ADMIN_FACTORY)
    .useValue(net.factory())
    .compile();
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest types its options as a class
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  const { keys, db } = await initTestApp(app).catch(async (e: unknown) => {
    await app.close();
    throw e;
  });
  return {
    app,
    databaseUrl,
    net,
    db,
    key: async (scopes, name = 'test') => (await keys.create(config.mallMspId, name, scopes)).key,
    call: async (method, url, key, body) => {
      const res = await app.inject({
        method,
        url,
        headers: key === undefined ? {} : { 'x-api-key': key },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const json = (res.headers['content-type'] ?? '').toString().startsWith('application/json');
      return { status: res.statusCode, body: json ? res.json<Reply['body']>() : {} };
    },
    audit: () => db.query<AuditRow[]>(`SELECT * FROM consortium_audit_log ORDER BY started_at, finished_at`),
    close: () =>
      closeAll(
        () => app.close(),
        () => {
          ledger.close();
        },
        drop,
      ),
  };
}
