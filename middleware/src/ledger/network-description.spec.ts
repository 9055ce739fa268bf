import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLedgerConnection, NetworkFileError, selectConnection, type NetworkFile } from './network-description';

const peer = (host: string, port: number): NetworkFile['orderers'][number] => ({
  name: 'peer',
  host,
  address: `127.0.0.1:${port}`,
  tlsCACert: `/crypto/${host}/ca.crt`,
});

const file: NetworkFile = {
  channel: 'mallchannel',
  chaincode: { name: 'mallchain' },
  orderers: [
    { name: 'orderer0', host: 'orderer0.mallchain.example.com', address: '127.0.0.1:7050', tlsCACert: '/crypto/o.pem' },
  ],
  orgs: {
    MallAMSP: {
      mspId: 'MallAMSP',
      peers: [peer('peer0.mall-a.example.com', 7101), peer('peer1.mall-a.example.com', 7111)],
      users: { admin: '/msp/admin', client: '/msp/client' },
    },
  },
};

describe('selectConnection', () => {
  it('picks the org, its client user and all its peers in order', () => {
    const c = selectConnection(file, { mspId: 'MallAMSP' });
    expect(c).toMatchObject({
      channel: 'mallchannel',
      chaincode: 'mallchain',
      mspId: 'MallAMSP',
      mspDir: '/msp/client',
    });
    expect(c.peers.map((p) => p.hostOverride)).toEqual(['peer0.mall-a.example.com', 'peer1.mall-a.example.com']);
    expect(c.peers[0]).toEqual({
      address: '127.0.0.1:7101',
      hostOverride: 'peer0.mall-a.example.com',
      tlsCACertPath: '/crypto/peer0.mall-a.example.com/ca.crt',
    });
    expect(c.orderers[0]?.hostOverride).toBe('orderer0.mallchain.example.com');
  });

  it('puts a preferred peer first (by address or host:port) and honours user/channel/chaincode overrides', () => {
    expect(selectConnection(file, { mspId: 'MallAMSP', preferredPeer: '127.0.0.1:7111' }).peers[0]?.address).toBe(
      '127.0.0.1:7111',
    );
    const c = selectConnection(file, {
      mspId: 'MallAMSP',
      preferredPeer: 'peer1.mall-a.example.com:7111',
      user: 'admin',
      channel: 'c2',
      chaincode: 'cc2',
    });
    expect(c.peers.map((p) => p.address)).toEqual(['127.0.0.1:7111', '127.0.0.1:7101']);
    expect(c).toMatchObject({ mspDir: '/msp/admin', channel: 'c2', chaincode: 'cc2' });
  });

  it('names the problem: unknown org, unknown peer, no chaincode', () => {
    expect(() => selectConnection(file, { mspId: 'MallZMSP' })).toThrow(/no org 'MallZMSP' \(has MallAMSP\)/);
    expect(() => selectConnection(file, { mspId: 'MallAMSP', preferredPeer: '127.0.0.1:1' })).toThrow(
      /has no peer 127.0.0.1:1 \(has 127.0.0.1:7101, 127.0.0.1:7111\)/,
    );
    expect(() => selectConnection({ ...file, chaincode: null }, { mspId: 'MallAMSP' })).toThrow(
      /no chaincode deployed/,
    );
  });
});

describe('loadLedgerConnection', () => {
  it('reads the file, and reports an unreadable or incomplete one by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-net-'));
    try {
      const good = join(dir, 'network.json');
      writeFileSync(good, JSON.stringify(file));
      await expect(loadLedgerConnection(good, { mspId: 'MallAMSP' })).resolves.toMatchObject({
        chaincode: 'mallchain',
      });
      await expect(loadLedgerConnection(join(dir, 'none.json'), { mspId: 'MallAMSP' })).rejects.toThrow(
        /cannot read network description .*none\.json/,
      );
      const partial = join(dir, 'partial.json');
      writeFileSync(partial, JSON.stringify({ channel: 'c' }));
      await expect(loadLedgerConnection(partial, { mspId: 'MallAMSP' })).rejects.toThrow(NetworkFileError);
      await expect(loadLedgerConnection(partial, { mspId: 'MallAMSP' })).rejects.toThrow(
        /partial\.json: missing 'orderers'/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
