import 'reflect-metadata';
import { Type, plainToInstance } from 'class-transformer';
import { allowListEntryProblem, splitList } from '../webhooks/destination-policy';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';

/** The database setting's rule, shared with `loadDatabaseUrl` (migration tools read only that setting). */
export const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;
export const POSTGRES_URL_RULE = 'must be a postgres:// URL';

/** Which ledger client implementation serves the LEDGER port. */
export const LEDGER_DRIVERS = ['gateway', 'legacy'] as const;
export type LedgerDriver = (typeof LEDGER_DRIVERS)[number];

export class LedgerConfig {
  @IsIn(LEDGER_DRIVERS)
  driver: LedgerDriver = 'gateway';

  /** Connection description (network description / connection profile) written by fabric-network. */
  @IsString()
  @MinLength(1)
  networkFile!: string;

  /** host:port of this mall's peer (gateway service). */
  @Matches(/^[A-Za-z0-9.-]+:\d{1,5}$/, { message: 'must be host:port' })
  peerEndpoint!: string;

  @IsString()
  @MinLength(1)
  channel!: string;

  @IsString()
  @MinLength(1)
  chaincode!: string;

  /** Which user of the mall's MSP signs: `client` (default) or `admin`. */
  @IsIn(['client', 'admin'])
  user: 'client' | 'admin' = 'client';

  /** Per-stage deadlines of the ledger client, in ms (defaults: the ledger client's own). */
  @IsOptional()
  @IsInt()
  @Min(100)
  evaluateTimeoutMs?: number;

  @IsOptional()
  @IsInt()
  @Min(100)
  endorseTimeoutMs?: number;

  @IsOptional()
  @IsInt()
  @Min(100)
  submitTimeoutMs?: number;

  @IsOptional()
  @IsInt()
  @Min(100)
  commitTimeoutMs?: number;
}

export class BatcherConfig {
  /** Most outbox rows claimed and submitted together. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  size = 100;

  /** Longest time a row waits for its batch to fill, in ms. */
  @IsInt()
  @Min(1)
  @Max(60_000)
  waitMs = 200;

  /** A claimed batch is given back to the queue after this long without a result (crash recovery). */
  @IsInt()
  @Min(100)
  leaseMs = 60_000;

  /**
   * An item still pending this long after it was accepted is reported stalled (metric, health, one
   * `intake.stalled` event). Infrastructure failures never make an item dead: it is retried for ever.
   */
  @IsInt()
  @Min(1)
  stalledAfterMs = 300_000;

  /** First retry delay; doubles per attempt up to {@link maxBackoffMs}. */
  @IsInt()
  @Min(1)
  backoffMs = 500;

  @IsInt()
  @Min(1)
  maxBackoffMs = 60_000;

  /**
   * Most queued items of one batchable function (a domain's batch codec: accruals, attestations) carried by one
   * chaincode call; capped by the chaincode's own limit (500 accruals, 200 attestations). 1 turns batching off.
   * The linger is {@link waitMs}: a claim waits that long for a full batch.
   */
  @IsInt()
  @Min(1)
  @Max(500)
  callMaxItems = 100;

  /**
   * Most consecutive items of one ordering key (one device's attestations, one DID's operations) in one claim, in
   * queue order; they share a batch call when their function has a codec, otherwise they are sent one after the
   * other. 1: one item of a key at a time.
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  keyRunMax = 100;

  /** Concurrent ledger submissions of one batch. */
  @IsInt()
  @Min(1)
  @Max(1000)
  concurrency = 50;
}

function firstListProblem(v: unknown): string {
  const text = typeof v === 'string' ? v : '';
  return (
    splitList(text)
      .map(allowListEntryProblem)
      .find((p) => p !== undefined) ?? 'must be a list'
  );
}

/** A comma-separated list of CIDRs, addresses and host names; the message names the first bad entry. */
const IsAllowList = (): PropertyDecorator =>
  ValidateBy({
    name: 'isAllowList',
    validator: {
      validate: (v: unknown) =>
        typeof v === 'string' && splitList(v).every((e) => allowListEntryProblem(e) === undefined),
      defaultMessage: (a) => firstListProblem(a?.value),
    },
  });

export class WebhookConfig {
  /** Consecutive failed deliveries after which a subscription is paused (until resumed). */
  @IsInt()
  @Min(1)
  maxAttempts = 12;

  /** Internal receivers that may be on otherwise refused addresses (loopback, private, …). */
  @IsAllowList()
  allowedHosts = '';

  /** Ports a receiver may listen on, comma-separated, or `*` for any. */
  @Matches(/^(\*|\d{1,5}( *, *\d{1,5})*)$/, { message: 'must be * or a comma-separated list of ports' })
  allowedPorts = '80,443,8080,8443';

  @IsInt()
  @Min(1)
  backoffMs = 1000;

  @IsInt()
  @Min(1)
  maxBackoffMs = 300_000;

  @IsInt()
  @Min(100)
  timeoutMs = 5000;

  @IsInt()
  @Min(10)
  pollMs = 500;

  @IsInt()
  @Min(1)
  @Max(1000)
  batchSize = 100;
}

export class AppConfig {
  @IsString()
  host = '127.0.0.1';

  @IsInt()
  @Min(0)
  @Max(65535)
  port = 3000;

  /** The one mall org this middleware serves; API keys of any other mall are refused. */
  @Matches(/^[A-Za-z0-9.-]+$/, { message: 'must be an MSP ID such as MallAMSP' })
  mallMspId!: string;

  @Matches(POSTGRES_URL, { message: POSTGRES_URL_RULE })
  databaseUrl!: string;

  @IsInt()
  @Min(1)
  @Max(200)
  databasePoolSize = 20;

  @IsBoolean()
  migrationsRun = false;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  logLevel = 'info';

  /** Largest accepted request body in bytes (413 beyond), except on batch routes. */
  @IsInt()
  @Min(1024)
  bodyLimitBytes = 65_536;

  /** Largest body of the batch and upload routes (`@BodyLimit('batch')`): 1,000 notes or receipts. */
  @IsInt()
  @Min(1024)
  batchBodyLimitBytes = 8_388_608;

  /** `application/x-ndjson` uploads: longest line in bytes, most lines. */
  @IsInt()
  @Min(64)
  ndjsonMaxLineBytes = 16_384;

  @IsInt()
  @Min(1)
  ndjsonMaxLines = 10_000;

  /** Requests per API key (or per client address without a key) per throttle window. */
  @IsInt()
  @Min(1)
  throttleLimit = 6000;

  @IsInt()
  @Min(100)
  throttleTtlMs = 60_000;

  /** Failed authentications (no key, unknown key, key of another mall) per client address per window; 429 beyond, before any look-up. */
  @IsInt()
  @Min(1)
  throttleAuthFailureLimit = 30;

  @IsInt()
  @Min(100)
  throttleAuthFailureTtlMs = 60_000;

  /** Health reports the projection as down when it is this many blocks behind what was committed. */
  @IsInt()
  @Min(0)
  projectionMaxLagBlocks = 50;

  /** A chaincode event payload larger than this is quarantined unparsed (re-apply it after raising the limit). */
  @IsInt()
  @Min(1024)
  projectionMaxEventBytes = 16_777_216;

  /**
   * Period of the expiry job: each period, one `points:Expire` sweep per program this mall issues goes through the
   * intake (keyed by the period, so instances racing in one period make one item). 0 turns the job off.
   */
  @IsInt()
  @Min(0)
  pointsExpiryIntervalMs = 3_600_000;

  /**
   * Period of the close continuer: a chunked `points:ClosePeriod` this mall started and the read model shows in
   * progress gets its next step through the intake (keyed by the cursor, so instances add one item). 0 turns it off.
   */
  @IsInt()
  @Min(0)
  pointsCloseContinueMs = 2_000;

  /**
   * Where a device proof (Huina `deviceProof`) is checked before it is queued: `cache` reads the projected device
   * record and asks the peer only when the cache has no row or refuses the proof; `ledger` asks the peer every time
   * (`devices:GetDevice`). Either way the chaincode checks the proof again when it anchors it, and a proof it refuses
   * for its key or the device's status (a key rotated out, or a device revoked, not projected yet) ends dead without
   * holding the device's seq or queue — see docs/huina.md, "Device keys from the cache".
   */
  @IsIn(['cache', 'ledger'])
  deviceKeysSource: 'cache' | 'ledger' = 'cache';

  /** Starts the projection listener, the batcher and the webhook dispatcher (off for one-shot tools). */
  @IsBoolean()
  workersEnabled = true;

  @ValidateNested()
  @Type(() => LedgerConfig)
  ledger!: LedgerConfig;

  @ValidateNested()
  @Type(() => BatcherConfig)
  batcher: BatcherConfig = new BatcherConfig();

  @ValidateNested()
  @Type(() => WebhookConfig)
  webhooks: WebhookConfig = new WebhookConfig();

  /**
   * AES-256-GCM key (32 bytes, base64) encrypting partner (Haide, Huina) secrets at rest. Without it the partner
   * API and the adapters refuse to work (503), everything else runs.
   */
  @IsOptional()
  @IsKey32()
  partnerSecretKey?: string;

  /** AES-256-GCM key (32 bytes, base64) for members' personal data (name, mobile, card numbers) at rest. */
  @IsOptional()
  @IsKey32()
  memberDataKey?: string;

  /**
   * AES-256-GCM key (32 bytes, base64) sealing the joint-statistics round keys and deals (own shares, openings, the
   * plain input) at rest. Without it the jointstats propose/approve routes answer 503 and the job does not run.
   */
  @IsOptional()
  @IsKey32()
  jointStatsKey?: string;

  /** How often the joint-statistics job advances the rounds this mall approved, in ms. */
  @IsInt()
  @Min(100)
  jointStatsPollMs = 2000;

  /** This mall's admin MSP folder for signing config updates; default: network file `orgs.<MSP>.users.admin`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  adminMspDir?: string;

  /**
   * PKCS#8 PEM file of the P-256 key with which this mall issues membership credentials (its issuer DID derives
   * from it). Unset: the credential routes answer 503, everything else runs.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  credentialIssuerKeyFile?: string;
}

/** True for a base64 string of exactly 32 bytes (an AES-256 key). */
export function isKey32(v: unknown): boolean {
  return typeof v === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(v.trim()) && Buffer.from(v, 'base64').length === 32;
}

function IsKey32(): PropertyDecorator {
  return ValidateBy({
    name: 'isKey32',
    validator: { validate: isKey32, defaultMessage: () => 'must be 32 bytes in base64 (openssl rand -base64 32)' },
  });
}

/** Thrown at start-up when settings are missing or wrong; the message names every offending variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export function validateConfig(raw: Record<string, unknown>, names: ReadonlyMap<string, string>): AppConfig {
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) throw new ConfigError(flatten(errors, '', names));
  return config;
}

function flatten(errors: readonly ValidationError[], prefix: string, names: ReadonlyMap<string, string>): string[] {
  return errors.flatMap((e) => {
    const path = prefix + e.property;
    const own = Object.values(e.constraints ?? {}).map(
      (m) => `${names.get(path) ?? path}: ${stripProperty(m, e.property)}`,
    );
    return [...own, ...flatten(e.children ?? [], `${path}.`, names)];
  });
}

function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
