import * as path from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';

/** Top-level `migrations/`: TypeScript sources under ts-jest, compiled `migrations/dist` under node. */
export function migrationGlobs(): string[] {
  const compiled = __filename.endsWith('.js');
  const root = path.resolve(__dirname, '..', '..', '..', 'migrations');
  return compiled ? [path.join(root, 'dist', '*.js')] : [path.join(root, '*.ts')];
}

/** The one way the middleware describes its database; `synchronize` is never on. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: migrationGlobs(),
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    extra: { max: poolSize },
  };
}
