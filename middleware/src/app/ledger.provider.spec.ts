import { loadConfig } from '../config/load-config';
import { DEFAULT_DEADLINES } from '../ledger/gateway-types';
import { ledgerSettings } from './ledger.provider';

const env = {
  MALL_MSP_ID: 'MallBMSP',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mall_b',
  LEDGER_NETWORK_FILE: '/srv/network.json',
  LEDGER_PEER_ENDPOINT: '127.0.0.1:7111',
  LEDGER_CHANNEL: 'mallchannel',
  LEDGER_CHAINCODE: 'mallchain',
};

describe('ledgerSettings', () => {
  it('maps the LEDGER_* settings onto the ledger factory, with default deadlines', () => {
    expect(ledgerSettings(loadConfig(env))).toEqual({
      driver: 'gateway',
      networkFile: '/srv/network.json',
      mspId: 'MallBMSP',
      user: 'client',
      preferredPeer: '127.0.0.1:7111',
      channel: 'mallchannel',
      chaincode: 'mallchain',
      deadlines: DEFAULT_DEADLINES,
    });
  });

  it('selects the legacy driver and overrides only the deadlines that are set', () => {
    const s = ledgerSettings(loadConfig({ ...env, LEDGER_DRIVER: 'legacy', LEDGER_ENDORSE_TIMEOUT_MS: '2500' }));
    expect(s.driver).toBe('legacy');
    expect(s.deadlines).toEqual({ ...DEFAULT_DEADLINES, endorseMs: 2500 });
  });
});
