import type { FactoryProvider } from '@nestjs/common';
import { AppConfig, ConfigError } from '../config/app-config';
import { GatewayLedger } from '../ledger/gateway-ledger';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port';
import { loadLedgerConnection } from '../ledger/network-description';

/** The production LEDGER provider: the driver named by LEDGER_DRIVER, connected as this mall's client. */
export const realLedgerProvider: FactoryProvider<Promise<LedgerPort>> = {
  provide: LEDGER,
  inject: [AppConfig],
  useFactory: async (config: AppConfig): Promise<LedgerPort> => {
    const { ledger } = config;
    if (ledger.driver !== 'gateway') {
      throw new ConfigError([`LEDGER_DRIVER: '${ledger.driver}' is not available in this build`]);
    }
    const connection = await loadLedgerConnection(ledger.networkFile, {
      mspId: config.mallMspId,
      preferredPeer: ledger.peerEndpoint,
      channel: ledger.channel,
      chaincode: ledger.chaincode,
    });
    return GatewayLedger.connect(connection);
  },
};
