import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { realLedgerProvider } from './app/ledger.provider';
import { AppModule } from './app/app.module';
import { ApiKeysService } from './auth/api-keys.service';
import { isScope } from './auth/scopes';
import { AuthModule } from './auth/auth.module';
import { type AppConfig, ConfigError } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { loadConfig } from './config/load-config';
import { PartnersModule } from './partners/partners.module';
import { partner } from './partners/partner.cli';
import { PartnerCredentialsService } from './partners/partner-credentials.service';
import { RebuildService } from './projection/rebuild.service';

@Module({})
class KeysOnlyModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: KeysOnlyModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(), AuthModule, PartnersModule],
    };
  }
}

const USAGE = `usage:
  cli apikey create --mall <MSP ID> --scopes <s1,s2,...> [--name <label>]
  cli apikey list
  cli apikey revoke <id>
  cli partner create --kind haide|huina --org <orgCode or customerId> [--name <label>]
  cli partner list
  cli partner revoke <appId>
  cli partner rotate <appId>
  cli rebuild [--keep]
scopes: points:read, points:write, devices:write, dids:write, keys:admin, admin`;

export function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  // Workers off: a one-shot command must not start the batcher, the projection or webhooks.
  const config = loadConfig({ ...process.env, WORKERS_ENABLED: 'false' });
  // Key and partner management need only the database: it must work while the peer is down.
  const keysOnly = group === 'apikey' || group === 'partner';
  const root = keysOnly ? KeysOnlyModule.forRoot(config) : AppModule.forRoot(config, realLedgerProvider);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest types its options as a class
  const app = await NestFactory.createApplicationContext(root, { logger: ['error'] });
  try {
    if (group === 'apikey') return await apikey(app.get(ApiKeysService), command, rest);
    if (group === 'partner') {
      const code = await partner(app.get(PartnerCredentialsService), command, rest, (t) => process.stdout.write(t));
      if (code === 2) process.stderr.write(`${USAGE}\n`);
      return code;
    }
    if (group === 'rebuild') {
      const report = await app.get(RebuildService).rebuild({ keep: argv.includes('--keep') });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return report.equal ? 0 : 3;
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  } finally {
    await app.close();
  }
}

async function createKey(keys: ApiKeysService, args: readonly string[]): Promise<number> {
  const mall = flag(args, 'mall');
  const scopes = (flag(args, 'scopes') ?? '').split(',').filter((s) => s !== '');
  const bad = scopes.filter((s) => !isScope(s));
  if (mall === undefined || scopes.length === 0 || bad.length > 0) {
    process.stderr.write(`${bad.length > 0 ? `unknown scope ${bad.join(', ')}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const created = await keys.create(mall, flag(args, 'name') ?? 'cli', scopes.filter(isScope));
  process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
  return 0;
}

async function apikey(keys: ApiKeysService, command: string | undefined, args: readonly string[]): Promise<number> {
  if (command === 'create') return createKey(keys, args);
  if (command === 'list') {
    process.stdout.write(`${JSON.stringify(await keys.list(), null, 2)}\n`);
    return 0;
  }
  if (command === 'revoke' && args[0] !== undefined) {
    await keys.revoke(args[0]);
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
