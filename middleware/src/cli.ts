import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { realLedgerProvider } from './app/ledger.provider';
import { AppModule } from './app/app.module';
import { ApiKeysService } from './auth/api-keys.service';
import { SCOPES, isScope } from './auth/scopes';
import { AuthModule } from './auth/auth.module';
import { type AppConfig, ConfigError } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { type CliOut, flag } from './common/cli-runner';
import { DatabaseModule } from './database/database.module';
import { loadConfig } from './config/load-config';
import { QUARANTINE_STATUSES, type QuarantineStatus } from './projection/quarantine.entity';
import { QuarantineService } from './projection/quarantine.service';
import { DEVICE_USAGE, deviceCommand } from './devices/device.cli';
import { DevicesService } from './devices/devices.service';
import { CredentialsService } from './dids/credentials.service';
import { DID_USAGE, credentialCommand, didCommand } from './dids/did.cli';
import { DidsService } from './dids/dids.service';
import { PROOFS_USAGE, proofsCommand } from './devices/evidence.cli';
import { EvidenceService } from './devices/evidence.service';
import { TrafficReadService } from './huina/traffic-read.service';
import { JOINTSTATS_USAGE, jointStatsCommand } from './jointstats/jointstats.cli';
import { JointStatsJob } from './jointstats/jointstats.job';
import { JointStatsService } from './jointstats/jointstats.service';
import { PartnersModule } from './partners/partners.module';
import { partner } from './partners/partner.cli';
import { PartnerCredentialsService } from './partners/partner-credentials.service';
import { RebuildService } from './projection/rebuild.service';
import { IntakeAdminService } from './intake/intake-admin.service';
import { IntakeAdminStore } from './intake/intake-admin.store';
import { LISTABLE_STATUSES, type ListableStatus } from './intake/dto/intake-admin.dto';
import { VerifyService } from './projection/verify.service';
import { PointsActionsService } from './points/points-actions.service';
import { PointsReadService } from './points/points-read.service';
import { POINTS_REGISTRY_USAGE, pointsRegistryCommand } from './points/points.cli';
import type { INestApplicationContext } from '@nestjs/common';

@Module({})
class KeysOnlyModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: KeysOnlyModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(), AuthModule, PartnersModule],
    };
  }
}

/** The intake commands need only the database: they must work while the peer is down. */
@Module({})
class IntakeOnlyModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IntakeOnlyModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot()],
      providers: [IntakeAdminStore, IntakeAdminService],
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
  cli rebuild [--keep] [--swap]
  cli projection quarantine list [--status parked|reapplied|discarded]
  cli projection quarantine reapply <id> | discard <id>
  cli projection verify [--max-keys <n>]
  cli intake list --status dead|pending [--limit <n>]
  cli intake requeue <trackingId>
${POINTS_REGISTRY_USAGE}
${DEVICE_USAGE}
${DID_USAGE}
${PROOFS_USAGE}
${JOINTSTATS_USAGE}
scopes: ${SCOPES.join(', ')}`;

type Command = (
  app: INestApplicationContext,
  command: string | undefined,
  rest: string[],
  argv: readonly string[],
) => Promise<number>;

const out: CliOut = (t) => void process.stdout.write(t);
const err: CliOut = (t) => void process.stderr.write(t);

/** What each command group runs, once the application context it needs is up. */
const COMMANDS: Readonly<Record<string, Command>> = {
  apikey: (app, command, rest) => apikey(app.get(ApiKeysService), command, rest),
  partner: async (app, command, rest) => {
    const code = await partner(app.get(PartnerCredentialsService), command, rest, out);
    if (code === 2) err(`${USAGE}\n`);
    return code;
  },
  intake: (app, command, rest) => intake(app.get(IntakeAdminService), command, rest),
  program: (app, command, rest) => registry(app, 'program', [command ?? '', ...rest]),
  merchant: (app, command, rest) => registry(app, 'merchant', [command ?? '', ...rest]),
  device: (app, command, rest) => deviceCommand(app.get(DevicesService), [command ?? '', ...rest], out, err),
  did: (app, command, rest) => didCommand(app.get(DidsService), [command ?? '', ...rest], out, err),
  credential: (app, command, rest) =>
    credentialCommand(app.get(CredentialsService), [command ?? '', ...rest], out, err),
  proofs: async (app, command, rest) => {
    const services = { reads: app.get(TrafficReadService), evidence: app.get(EvidenceService) };
    const code = await proofsCommand(services, command, rest, out);
    if (code === 2) err(`${USAGE}\n`);
    return code;
  },
  jointstats: (app, command, rest) =>
    jointStatsCommand(app.get(JointStatsService), app.get(JointStatsJob), [command ?? '', ...rest], out, err),
  rebuild: async (app, _command, _rest, argv) => {
    const mode = argv.includes('--swap') ? 'swap' : 'compare';
    const report = await app.get(RebuildService).rebuild({ keep: argv.includes('--keep'), mode });
    print(report);
    return report.equal || report.swapped ? 0 : 3;
  },
  projection: (app, command, rest) => projection(app, command, rest),
};

function registry(app: INestApplicationContext, group: 'program' | 'merchant', argv: string[]): Promise<number> {
  const services = { actions: app.get(PointsActionsService), reads: app.get(PointsReadService) };
  return pointsRegistryCommand(services, group, argv, out, err);
}

/** Key, partner and intake management need only the database: they must work while the peer is down. */
function rootModule(group: string | undefined, config: AppConfig): DynamicModule {
  if (group === 'apikey' || group === 'partner') return KeysOnlyModule.forRoot(config);
  if (group === 'intake') return IntakeOnlyModule.forRoot(config);
  return AppModule.forRoot(config, realLedgerProvider);
}

async function main(argv: readonly string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  const run = group === undefined ? undefined : COMMANDS[group];
  if (run === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // Workers off: a one-shot command must not start the batcher, the projection or webhooks.
  const config = loadConfig({ ...process.env, WORKERS_ENABLED: 'false' });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest types its options as a class
  const app = await NestFactory.createApplicationContext(rootModule(group, config), { logger: ['error'] });
  try {
    return await run(app, command, rest, argv);
  } finally {
    await app.close();
  }
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `projection quarantine …` and `projection verify`; exit 3 when verify finds differences. */
async function projection(
  app: INestApplicationContext,
  command: string | undefined,
  args: readonly string[],
): Promise<number> {
  if (command === 'verify') {
    const max = flag(args, 'max-keys');
    const report = await app.get(VerifyService).verify(max === undefined ? {} : { maxKeys: Number(max) });
    print(report);
    return report.equal ? 0 : 3;
  }
  if (command === 'quarantine') return quarantine(app.get(QuarantineService), args);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

const STATUSES: readonly string[] = QUARANTINE_STATUSES;

async function quarantine(service: QuarantineService, args: readonly string[]): Promise<number> {
  const [action, id] = args;
  const status = flag(args, 'status');
  if (action === 'list' && (status === undefined || STATUSES.includes(status))) {
    print(await service.list(status as QuarantineStatus | undefined, 500, 0));
    return 0;
  }
  if (action === 'reapply' && id !== undefined) {
    print(await service.reapply(id));
    return 0;
  }
  if (action === 'discard' && id !== undefined) {
    print(await service.discard(id));
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
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

async function intake(
  admin: IntakeAdminService,
  command: string | undefined,
  args: readonly string[],
): Promise<number> {
  if (command === 'list') return intakeList(admin, args);
  const id = args[0];
  if (command === 'requeue' && id !== undefined && UUID.test(id)) {
    process.stdout.write(`${JSON.stringify(await admin.requeue(id, 'cli'), null, 2)}\n`);
    return 0;
  }
  process.stderr.write(`${command === 'requeue' ? 'requeue needs a tracking ID (UUID)\n' : ''}${USAGE}\n`);
  return 2;
}

async function intakeList(admin: IntakeAdminService, args: readonly string[]): Promise<number> {
  const status = flag(args, 'status') ?? '';
  const limit = Number(flag(args, 'limit') ?? '100');
  const valid = (LISTABLE_STATUSES as readonly string[]).includes(status) && Number.isInteger(limit);
  if (!valid || limit < 1 || limit > 1000) {
    process.stderr.write(`--status must be one of ${LISTABLE_STATUSES.join(', ')}; --limit 1..1000\n${USAGE}\n`);
    return 2;
  }
  process.stdout.write(`${JSON.stringify(await admin.list(status as ListableStatus, limit), null, 2)}\n`);
  return 0;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
