import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminError } from '@mallchain/fabric-network';
import { loadConfig } from '../config/load-config';
import { FabricConsortiumAdminFactory, networkHome, networkSettingsOf } from './consortium-admin.port';

describe('FabricConsortiumAdminFactory: which identity this mall signs with', () => {
  let dir: string;
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    MALL_MSP_ID: 'MallAMSP',
    DATABASE_URL: 'postgres://x@127.0.0.1/db',
    LEDGER_NETWORK_FILE: join(dir, 'network.json'),
    LEDGER_PEER_ENDPOINT: '127.0.0.1:7101',
    LEDGER_CHANNEL: 'mallchannel',
    LEDGER_CHAINCODE: 'mallchain',
    ...extra,
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'consortium-port-'));
    writeFileSync(
      join(dir, 'network.json'),
      JSON.stringify({ orgs: { MallAMSP: { users: { admin: '/net/mall-a/Admin/msp' } } } }),
    );
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the admin of this mall named in the network file, in the network file’s folder', () => {
    const config = loadConfig(env());
    expect(new FabricConsortiumAdminFactory(config).ownAdmin()).toEqual({
      mspId: 'MallAMSP',
      mspDir: '/net/mall-a/Admin/msp',
    });
    expect(networkHome(config)).toBe(dir);
  });

  it('prefers ADMIN_MSP_DIR', () => {
    const config = loadConfig(env({ ADMIN_MSP_DIR: '/etc/mall-a/admin/msp' }));
    expect(new FabricConsortiumAdminFactory(config).ownAdmin().mspDir).toBe('/etc/mall-a/admin/msp');
  });

  it('refuses with NOT_FOUND naming the file when the mall has no admin there', () => {
    const config = loadConfig(env({ MALL_MSP_ID: 'MallCMSP' }));
    const call = (): unknown => new FabricConsortiumAdminFactory(config).ownAdmin();
    expect(call).toThrow(AdminError);
    expect(call).toThrow(/no admin MSP folder for MallCMSP in .*network.json/);
  });
});

describe('networkSettingsOf: the network the consortium endpoints act on', () => {
  let dir: string;
  const config = (channel = 'mallchannel'): ReturnType<typeof loadConfig> =>
    loadConfig({
      MALL_MSP_ID: 'MallAMSP',
      DATABASE_URL: 'postgres://x@127.0.0.1/db',
      LEDGER_NETWORK_FILE: join(dir, 'network.json'),
      LEDGER_PEER_ENDPOINT: '127.0.0.1:7101',
      LEDGER_CHANNEL: channel,
      LEDGER_CHAINCODE: 'mallchain',
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'consortium-settings-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes profile and port base from what the network recorded, the channel from the ledger settings', () => {
    writeFileSync(
      join(dir, 'state.json'),
      JSON.stringify({ profile: 'ha', portBase: 27300, channel: 'mallchannel', fabricVersion: '3.1.1', malls: ['A'] }),
    );
    expect(networkSettingsOf(config('district-2'))).toEqual({
      profile: 'ha',
      portBase: 27300,
      home: dir,
      channel: 'district-2',
      chaincodeName: 'mallchain',
    });
  });

  it('falls back to the defaults for a folder that holds no network yet', () => {
    expect(networkSettingsOf(config())).toMatchObject({ profile: 'dev', portBase: 7000, home: dir });
  });

  it('does not read or change the process environment', () => {
    const before = { ...process.env };
    process.env.MALLCHAIN_PORT_BASE = '9999';
    try {
      expect(networkSettingsOf(config()).portBase).toBe(7000);
    } finally {
      process.env = before;
    }
  });
});
