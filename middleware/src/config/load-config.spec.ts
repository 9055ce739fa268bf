import { ConfigError } from './app-config';
import { loadConfig, loadDatabaseUrl } from './load-config';

const base = {
  MALL_MSP_ID: 'MallAMSP',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mall_a',
  LEDGER_NETWORK_FILE: '/tmp/network.json',
  LEDGER_PEER_ENDPOINT: '127.0.0.1:7051',
  LEDGER_CHANNEL: 'mallchannel',
  LEDGER_CHAINCODE: 'mallchain',
};

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('loadConfig', () => {
  it('builds a typed object with defaults and parsed numbers and booleans', () => {
    const c = loadConfig({ ...base, PORT: '8081', MIGRATIONS_RUN: 'true', BATCH_SIZE: '250' });
    expect(c.port).toBe(8081);
    expect(c.migrationsRun).toBe(true);
    expect(c.batcher.size).toBe(250);
    expect(c.batcher.waitMs).toBe(200);
    expect(c.ledger.channel).toBe('mallchannel');
    expect(c.ledger.driver).toBe('gateway');
  });

  it('names every missing required variable', () => {
    const rest: Record<string, string> = { ...base };
    delete rest.MALL_MSP_ID;
    delete rest.LEDGER_CHANNEL;
    expect(problems(rest)).toEqual(['MALL_MSP_ID: is required', 'LEDGER_CHANNEL: is required']);
  });

  it('names the variable of a wrong value', () => {
    expect(problems({ ...base, PORT: 'eighty' })).toEqual([expect.stringMatching(/^PORT: must/)]);
    expect(problems({ ...base, MIGRATIONS_RUN: 'maybe' })).toEqual([
      expect.stringMatching(/^MIGRATIONS_RUN: .*boolean/),
    ]);
    expect(problems({ ...base, DATABASE_URL: 'mysql://x' })).toEqual(['DATABASE_URL: must be a postgres:// URL']);
    expect(problems({ ...base, BATCH_SIZE: '0' })).toEqual([expect.stringMatching(/^BATCH_SIZE: /)]);
    expect(problems({ ...base, LEDGER_DRIVER: 'carrier-pigeon' })).toEqual([expect.stringMatching(/^LEDGER_DRIVER: /)]);
    expect(problems({ ...base, LEDGER_PEER_ENDPOINT: 'peer0' })).toEqual(['LEDGER_PEER_ENDPOINT: must be host:port']);
  });

  it('accepts both ledger drivers and the optional ledger user and deadlines', () => {
    const c = loadConfig({ ...base, LEDGER_DRIVER: 'legacy', LEDGER_USER: 'admin', LEDGER_COMMIT_TIMEOUT_MS: '9000' });
    expect(c.ledger.driver).toBe('legacy');
    expect(c.ledger.user).toBe('admin');
    expect(c.ledger.commitTimeoutMs).toBe(9000);
    expect(c.ledger.endorseTimeoutMs).toBeUndefined();
    expect(loadConfig(base).ledger.user).toBe('client');
    expect(problems({ ...base, LEDGER_USER: 'root' })).toEqual([expect.stringMatching(/^LEDGER_USER: /)]);
    expect(problems({ ...base, LEDGER_ENDORSE_TIMEOUT_MS: '5' })).toEqual([
      expect.stringMatching(/^LEDGER_ENDORSE_TIMEOUT_MS: /),
    ]);
  });

  it('accepts 32-byte base64 keys for partner secrets and member data, and names a wrong one without echoing it', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const c = loadConfig({ ...base, PARTNER_SECRET_KEY: key, MEMBER_DATA_KEY: key });
    expect(c.partnerSecretKey).toBe(key);
    expect(c.memberDataKey).toBe(key);
    const short = Buffer.alloc(16, 7).toString('base64');
    const found = problems({ ...base, PARTNER_SECRET_KEY: short, MEMBER_DATA_KEY: 'not base64 at all!!' });
    expect(found).toEqual([
      'PARTNER_SECRET_KEY: must be 32 bytes in base64 (openssl rand -base64 32)',
      'MEMBER_DATA_KEY: must be 32 bytes in base64 (openssl rand -base64 32)',
    ]);
    expect(found.join(' ')).not.toContain(short);
  });

  it('reads only the database URL for migration tools, with the same rules', () => {
    expect(loadDatabaseUrl({ DATABASE_URL: base.DATABASE_URL })).toBe(base.DATABASE_URL);
    expect(() => loadDatabaseUrl({})).toThrow('DATABASE_URL: is required');
    expect(() => loadDatabaseUrl({ DATABASE_URL: 'mysql://x' })).toThrow('DATABASE_URL: must be a postgres:// URL');
  });
});
