/**
 * `listChannels` when a mall's peer cannot be asked: the listing still answers, with that peer under `unreachable`
 * (and why), never as height 0; the peers that answered keep their heights. The peer CLI calls and the config fetch
 * are stubbed (unit tier); the real network path is covered by middleware/test/e2e/console.e2e.ts.
 */
import type { AdminContext } from './context';

const peerChannels = jest.fn<Promise<string[]>, [unknown, { mspId: string }]>();
const peerHeight = jest.fn<Promise<number>, [unknown, { mspId: string }]>();
jest.mock('../channel', () => ({
  ordererChannels: (): Promise<string[]> => Promise.resolve(['mallchannel']),
  peerChannels: (ctx: unknown, m: { mspId: string }) => peerChannels(ctx, m),
  peerHeight: (ctx: unknown, m: { mspId: string }) => peerHeight(ctx, m),
  joinOrderer: jest.fn(),
  joinPeer: jest.fn(),
}));
jest.mock('./configtxlator', () => ({
  fetchConfig: (): Promise<unknown> =>
    Promise.resolve({
      sequence: '3',
      channel_group: {
        groups: {
          Orderer: {
            groups: {},
            values: {
              BatchSize: { value: { max_message_count: 10, absolute_max_bytes: 1, preferred_max_bytes: 1 } },
              BatchTimeout: { value: { timeout: '2s' } },
              ConsensusType: { value: { type: 'etcdraft', metadata: { consenters: [{ host: 'o0', port: 7050 }] } } },
            },
            policies: {},
          },
          Application: {
            groups: {
              MallAMSP: mspGroup('MallAMSP'),
              MallBMSP: mspGroup('MallBMSP'),
              MallCMSP: mspGroup('MallCMSP'),
            },
            values: {},
            policies: {},
          },
        },
        values: {},
        policies: {},
      },
    }).then((config) => ({ config, blockNumber: 7 })),
}));

function mspGroup(name: string): object {
  return {
    groups: {},
    values: { MSP: { value: { config: { name, root_certs: [], revocation_list: [] } } } },
    policies: {},
  };
}

// Imported after the mocks are declared (jest hoists jest.mock above imports anyway).
import { listChannels } from './channels';

const mall = (mspId: string, host: string): object => ({ mspId, peer: { host } });
const ctx = {
  topology: {
    orderers: [{ name: 'orderer0' }],
    malls: [mall('MallAMSP', 'peer0.a'), mall('MallBMSP', 'peer0.b'), mall('MallCMSP', 'peer0.c')],
  },
} as unknown as AdminContext;

describe('listChannels with a peer it cannot reach', () => {
  beforeEach(() => {
    peerChannels.mockReset();
    peerHeight.mockReset();
  });

  it('lists the channel with the heights it got and the unreachable peers with why', async () => {
    peerChannels.mockImplementation((_c, m) =>
      m.mspId === 'MallCMSP'
        ? Promise.reject(new Error('14 UNAVAILABLE: No connection established\nstack…'))
        : Promise.resolve(['mallchannel']),
    );
    peerHeight.mockImplementation((_c, m) =>
      m.mspId === 'MallBMSP' ? Promise.reject(new Error('deadline exceeded')) : Promise.resolve(42),
    );
    const [c] = await listChannels(ctx);
    expect(c).toEqual({
      channel: 'mallchannel',
      heights: { 'peer0.a': 42 },
      unreachable: { 'peer0.b': 'deadline exceeded', 'peer0.c': '14 UNAVAILABLE: No connection established' },
      members: ['MallAMSP', 'MallBMSP', 'MallCMSP'],
      orderers: ['o0:7050'],
    });
  });

  it('lists a peer that did not join the channel nowhere (neither a height nor unreachable)', async () => {
    peerChannels.mockImplementation((_c, m) => Promise.resolve(m.mspId === 'MallAMSP' ? ['mallchannel'] : []));
    peerHeight.mockResolvedValue(9);
    const [c] = await listChannels(ctx);
    expect([c?.heights, c?.unreachable]).toEqual([{ 'peer0.a': 9 }, {}]);
  });
});
