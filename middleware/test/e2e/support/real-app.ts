import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../../src/app/create-app';
import { realLedgerProvider } from '../../../src/app/ledger.provider';
import { ApiKeysService } from '../../../src/auth/api-keys.service';
import { loadConfig } from '../../../src/config/load-config';
import { type ChildApp, type ChildPlacement, spawnListening } from '../../support/child-app';
import { closeAll, onFreshDatabase } from '../../support/test-db';
import { realEnv } from './real-env';
import { FORMER_ADMIN_SCOPES } from '../../../src/auth/scopes';

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
export function startRealApp(
  networkFile: string,
  opts: { mspId?: string; driver?: 'gateway' | 'legacy'; extra?: Record<string, string> } = {},
): Promise<RealApp> {
  return onFreshDatabase(async (db) => {
    const config = loadConfig(realEnv(networkFile, db.url, opts));
    const app = await createApp(config, realLedgerProvider);
    try {
      await app.listen(0, '127.0.0.1');
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const { key } = await app.get(ApiKeysService).create(config.mallMspId, 'e2e', [...FORMER_ADMIN_SCOPES]);
      return {
        app,
        base: `http://127.0.0.1:${port}`,
        key,
        databaseUrl: db.url,
        close: () =>
          closeAll(
            () => app.close(),
            () => db.drop(),
          ),
      };
    } catch (e) {
      await app.close();
      throw e;
    }
  });
}

/** The production middleware (real-app-process.ts) in a child process of its own, for kill -9 tests. */
export function startRealChild(
  env: Record<string, string>,
  timeoutMs = 60_000,
  where: ChildPlacement = {},
): Promise<ChildApp> {
  return spawnListening(path.join(__dirname, 'real-app-process.ts'), env, timeoutMs, where);
}
