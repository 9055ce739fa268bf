import { type AppConfig, ConfigError, POSTGRES_URL, POSTGRES_URL_RULE, validateConfig } from './app-config';

type Kind = 'string' | 'int' | 'bool';

const REQUIRED = 'is required';

interface Setting {
  readonly env: string;
  readonly path: string;
  readonly kind: Kind;
  readonly required?: boolean;
}

/** Every environment variable the middleware reads, and where it lands in {@link AppConfig}. */
export const SETTINGS: readonly Setting[] = [
  { env: 'HOST', path: 'host', kind: 'string' },
  { env: 'PORT', path: 'port', kind: 'int' },
  { env: 'MALL_MSP_ID', path: 'mallMspId', kind: 'string', required: true },
  { env: 'DATABASE_URL', path: 'databaseUrl', kind: 'string', required: true },
  { env: 'DATABASE_POOL_SIZE', path: 'databasePoolSize', kind: 'int' },
  { env: 'MIGRATIONS_RUN', path: 'migrationsRun', kind: 'bool' },
  { env: 'LOG_LEVEL', path: 'logLevel', kind: 'string' },
  { env: 'BODY_LIMIT_BYTES', path: 'bodyLimitBytes', kind: 'int' },
  { env: 'BATCH_BODY_LIMIT_BYTES', path: 'batchBodyLimitBytes', kind: 'int' },
  { env: 'NDJSON_MAX_LINE_BYTES', path: 'ndjsonMaxLineBytes', kind: 'int' },
  { env: 'NDJSON_MAX_LINES', path: 'ndjsonMaxLines', kind: 'int' },
  { env: 'THROTTLE_LIMIT', path: 'throttleLimit', kind: 'int' },
  { env: 'THROTTLE_TTL_MS', path: 'throttleTtlMs', kind: 'int' },
  { env: 'THROTTLE_AUTH_FAILURE_LIMIT', path: 'throttleAuthFailureLimit', kind: 'int' },
  { env: 'THROTTLE_AUTH_FAILURE_TTL_MS', path: 'throttleAuthFailureTtlMs', kind: 'int' },
  { env: 'PROJECTION_MAX_LAG_BLOCKS', path: 'projectionMaxLagBlocks', kind: 'int' },
  { env: 'PROJECTION_MAX_EVENT_BYTES', path: 'projectionMaxEventBytes', kind: 'int' },
  { env: 'WORKERS_ENABLED', path: 'workersEnabled', kind: 'bool' },
  { env: 'DEVICE_KEYS_SOURCE', path: 'deviceKeysSource', kind: 'string' },
  { env: 'PARTNER_SECRET_KEY', path: 'partnerSecretKey', kind: 'string' },
  { env: 'MEMBER_DATA_KEY', path: 'memberDataKey', kind: 'string' },
  { env: 'JOINT_STATS_KEY', path: 'jointStatsKey', kind: 'string' },
  { env: 'JOINT_STATS_POLL_MS', path: 'jointStatsPollMs', kind: 'int' },
  { env: 'ADMIN_MSP_DIR', path: 'adminMspDir', kind: 'string' },
  { env: 'CREDENTIAL_ISSUER_KEY_FILE', path: 'credentialIssuerKeyFile', kind: 'string' },
  { env: 'LEDGER_DRIVER', path: 'ledger.driver', kind: 'string' },
  { env: 'LEDGER_NETWORK_FILE', path: 'ledger.networkFile', kind: 'string', required: true },
  { env: 'LEDGER_PEER_ENDPOINT', path: 'ledger.peerEndpoint', kind: 'string', required: true },
  { env: 'LEDGER_CHANNEL', path: 'ledger.channel', kind: 'string', required: true },
  { env: 'LEDGER_CHAINCODE', path: 'ledger.chaincode', kind: 'string', required: true },
  { env: 'LEDGER_USER', path: 'ledger.user', kind: 'string' },
  { env: 'LEDGER_EVALUATE_TIMEOUT_MS', path: 'ledger.evaluateTimeoutMs', kind: 'int' },
  { env: 'LEDGER_ENDORSE_TIMEOUT_MS', path: 'ledger.endorseTimeoutMs', kind: 'int' },
  { env: 'LEDGER_SUBMIT_TIMEOUT_MS', path: 'ledger.submitTimeoutMs', kind: 'int' },
  { env: 'LEDGER_COMMIT_TIMEOUT_MS', path: 'ledger.commitTimeoutMs', kind: 'int' },
  { env: 'BATCH_SIZE', path: 'batcher.size', kind: 'int' },
  { env: 'BATCH_WAIT_MS', path: 'batcher.waitMs', kind: 'int' },
  { env: 'BATCH_LEASE_MS', path: 'batcher.leaseMs', kind: 'int' },
  { env: 'BATCH_BACKOFF_MS', path: 'batcher.backoffMs', kind: 'int' },
  { env: 'BATCH_MAX_BACKOFF_MS', path: 'batcher.maxBackoffMs', kind: 'int' },
  { env: 'BATCH_CONCURRENCY', path: 'batcher.concurrency', kind: 'int' },
  { env: 'BATCH_CALL_MAX_ITEMS', path: 'batcher.callMaxItems', kind: 'int' },
  { env: 'BATCH_KEY_RUN_MAX', path: 'batcher.keyRunMax', kind: 'int' },
  { env: 'INTAKE_STALLED_AFTER_MS', path: 'batcher.stalledAfterMs', kind: 'int' },
  { env: 'POINTS_EXPIRY_INTERVAL_MS', path: 'pointsExpiryIntervalMs', kind: 'int' },
  { env: 'POINTS_CLOSE_CONTINUE_MS', path: 'pointsCloseContinueMs', kind: 'int' },
  { env: 'WEBHOOK_MAX_ATTEMPTS', path: 'webhooks.maxAttempts', kind: 'int' },
  { env: 'WEBHOOK_BACKOFF_MS', path: 'webhooks.backoffMs', kind: 'int' },
  { env: 'WEBHOOK_MAX_BACKOFF_MS', path: 'webhooks.maxBackoffMs', kind: 'int' },
  { env: 'WEBHOOK_TIMEOUT_MS', path: 'webhooks.timeoutMs', kind: 'int' },
  { env: 'WEBHOOK_POLL_MS', path: 'webhooks.pollMs', kind: 'int' },
  { env: 'WEBHOOK_BATCH_SIZE', path: 'webhooks.batchSize', kind: 'int' },
  { env: 'WEBHOOK_ALLOWED_HOSTS', path: 'webhooks.allowedHosts', kind: 'string' },
  { env: 'WEBHOOK_ALLOWED_PORTS', path: 'webhooks.allowedPorts', kind: 'string' },
];

/**
 * Reads and validates the settings once, at start-up. Callers pass the environment in
 * (entry points pass `process.env`); nothing else in the middleware reads it.
 * @throws ConfigError naming every missing or invalid variable
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const raw: Record<string, unknown> = { ledger: {}, batcher: {}, webhooks: {} };
  const missing: string[] = [];
  for (const s of SETTINGS) {
    const text = env[s.env];
    if (text === undefined || text === '') {
      if (s.required === true) missing.push(`${s.env}: ${REQUIRED}`);
      continue;
    }
    assign(raw, s.path, parse(text, s.kind));
  }
  if (missing.length > 0) throw new ConfigError(missing);
  return validateConfig(raw, new Map(SETTINGS.map((s) => [s.path, s.env])));
}

function parse(text: string, kind: Kind): unknown {
  if (kind === 'int') return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
  if (kind === 'bool') {
    const t = text.trim().toLowerCase();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    return text;
  }
  return text;
}

function assign(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, tail] = path.split('.', 2) as [string, string | undefined];
  if (tail === undefined) {
    target[head] = value;
    return;
  }
  (target[head] as Record<string, unknown>)[tail] = value;
}

/** Only the database URL, for migration tools that need nothing else. */
export function loadDatabaseUrl(env: Readonly<Record<string, string | undefined>>): string {
  const url = env.DATABASE_URL;
  if (url === undefined || url === '') throw new ConfigError([`DATABASE_URL: ${REQUIRED}`]);
  if (!POSTGRES_URL.test(url)) throw new ConfigError([`DATABASE_URL: ${POSTGRES_URL_RULE}`]);
  return url;
}
