import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../../src/app/create-app';
import { realLedgerProvider } from '../../../src/app/ledger.provider';
import { ApiKeysService } from '../../../src/auth/api-keys.service';
import { loadConfig } from '../../../src/config/load-config';
import { createTestDatabase } from '../../support/test-db';
import { realEnv } from './real-env';

export interface RealApp {
  readonly app: NestFastifyApplication;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  /** An admin API key of the app's mall. */
  readonly key: string;
  readonly databaseUrl: string;
  close(): Promise<void>;
}

/** The production application (real ledger driver, fresh real Postgres database), listening on a free port. */
export async function startRealApp(
  networkFile: string,
  opts: { mspId?: string; driver?: 'gateway' | 'legacy'; extra?: Record<string, string> } = {},
): Promise<RealApp> {
  const db = await createTestDatabase();
  try {
    const config = loadConfig(realEnv(networkFile, db.url, opts));
    const app = await createApp(config, realLedgerProvider);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const { key } = await app.get(ApiKeysService).create(config.mallMspId, 'e2e', ['admin']);
    return {
      app,
      base: `http://127.0.0.1:${port}`,
      key,
      databaseUrl: db.url,
      close: async () => {
        await app.close();
        await db.drop();
      },
    };
  } catch (e) {
    await db.drop();
    throw e;
  }
}
