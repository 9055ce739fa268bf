import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createApp } from '../../src/app/create-app';
import { ApiKeysService, hashKey } from '../../src/auth/api-keys.service';
import type { Scope } from '../../src/auth/scopes';
import type { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { LEDGER } from '../../src/ledger/ledger.port';
import { FakeLedger } from './fake-ledger';
import { closeAll, onFreshDatabase } from './test-db';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly ledger: FakeLedger;
  readonly config: AppConfig;
  readonly db: DataSource;
  key(scopes: Scope[], mall?: string): Promise<string>;
  close(): Promise<void>;
}

export function testEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MALL_MSP_ID: 'MallAMSP',
    DATABASE_URL: databaseUrl,
    MIGRATIONS_RUN: 'true',
    LOG_LEVEL: 'silent',
    LEDGER_NETWORK_FILE: '/nonexistent/network.json',
    LEDGER_PEER_ENDPOINT: '127.0.0.1:7051',
    LEDGER_CHANNEL: 'mallchannel',
    LEDGER_CHAINCODE: 'mallchain',
    BATCH_WAIT_MS: '20',
    BATCH_BACKOFF_MS: '20',
    WEBHOOK_POLL_MS: '50',
    WEBHOOK_BACKOFF_MS: '50',
    // Many tests answer 401s on purpose from one address; the flood limit has its own test (auth-flood).
    THROTTLE_AUTH_FAILURE_LIMIT: '100000',
    ...extra,
  };
}

/** What every test app needs once initialised: Fastify ready for `inject()`, the key service, the data source. */
export async function initTestApp(app: NestFastifyApplication): Promise<{ keys: ApiKeysService; db: DataSource }> {
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { keys: app.get(ApiKeysService), db: app.get<DataSource>(getDataSourceToken()) };
}

/** The real application on a fresh database, with a fake ledger, initialised for `inject()`. */
export function startTestApp(extra: Record<string, string> = {}, ledger = new FakeLedger()): Promise<TestApp> {
  return onFreshDatabase(async (database) => {
    const config = loadConfig(testEnv(database.url, extra));
    const app = await createApp(config, { provide: LEDGER, useValue: ledger });
    const { keys, db } = await initTestApp(app).catch(async (e: unknown) => {
      await app.close();
      throw e;
    });
    return {
      app,
      ledger,
      config,
      db,
      key: async (scopes, mall = 'MallAMSP') => {
        if (mall === config.mallMspId) return (await keys.create(mall, 'test', scopes)).key;
        // A key of another mall cannot be made through the service; plant one as if copied from mall B's database.
        const key = `mck_other_${Math.random().toString(36).slice(2)}`;
        await db.query(
          `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes) VALUES ($1, 'other', 'x', $2, $3)`,
          [mall, hashKey(key), scopes],
        );
        return key;
      },
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

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, stepMs = 25): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
