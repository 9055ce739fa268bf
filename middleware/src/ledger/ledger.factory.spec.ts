import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, type LedgerConnector, type LedgerSettings } from './ledger.factory';
import type { LedgerPort } from './ledger.port';
import type { LedgerConnection } from './network-description';

const network = {
  channel: 'mallchannel',
  chaincode: { name: 'mallchain' },
  orderers: [],
  orgs: {
    MallAMSP: {
      mspId: 'MallAMSP',
      peers: [{ name: 'peer0', host: 'peer0.mall-a.example.com', address: '127.0.0.1:7101', tlsCACert: '/ca.pem' }],
      users: { admin: '/admin', client: '/client' },
    },
  },
};

describe('createLedger', () => {
  let dir: string;
  let file: string;
  const seen: { driver: string; connection: LedgerConnection }[] = [];
  const fake =
    (driver: string): LedgerConnector =>
    (connection) => {
      seen.push({ driver, connection });
      return Promise.resolve({ driver } as unknown as LedgerPort);
    };
  const connectors = { gateway: fake('gateway'), legacy: fake('legacy') };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-factory-'));
    file = join(dir, 'network.json');
    writeFileSync(file, JSON.stringify(network));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('selects the implementation named by the driver setting', async () => {
    await expect(
      createLedger({ driver: 'gateway', networkFile: file, mspId: 'MallAMSP' }, connectors),
    ).resolves.toEqual({ driver: 'gateway' });
    await expect(createLedger({ driver: 'legacy', networkFile: file, mspId: 'MallAMSP' }, connectors)).resolves.toEqual(
      { driver: 'legacy' },
    );
  });

  it('appends configured failover peers after the network file peers', async () => {
    seen.length = 0;
    await createLedger(
      {
        driver: 'gateway',
        networkFile: file,
        mspId: 'MallAMSP',
        failoverPeers: [
          { address: '127.0.0.1:7105', hostOverride: 'peer1.mall-a.example.com', tlsCACertPath: '/ca.pem' },
        ],
      },
      connectors,
    );
    expect(seen[0]?.connection.peers.map((p) => p.address)).toEqual(['127.0.0.1:7101', '127.0.0.1:7105']);
    expect(seen[0]?.connection.channelPeers.map((p) => p.mspId)).toEqual(['MallAMSP', 'MallAMSP']);
  });

  it('refuses an unknown driver by naming the setting, and a bad network file by its path', async () => {
    const bad = { driver: 'fabric-sdk-java', networkFile: file, mspId: 'MallAMSP' } as unknown as LedgerSettings;
    await expect(createLedger(bad, connectors)).rejects.toThrow(
      /LEDGER_DRIVER: 'fabric-sdk-java' is not one of gateway, legacy/,
    );
    await expect(
      createLedger({ driver: 'gateway', networkFile: join(dir, 'x.json'), mspId: 'MallAMSP' }, connectors),
    ).rejects.toThrow(/x\.json/);
  });
});
