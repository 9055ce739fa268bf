import type { FactoryProvider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DEFAULT_DEADLINES, type StageDeadlines } from '../ledger/gateway-types';
import { createLedger, type LedgerSettings } from '../ledger/ledger.factory';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port';

/** Maps the validated LEDGER_* settings onto the ledger factory's settings. */
export function ledgerSettings(config: AppConfig): LedgerSettings {
  const { ledger } = config;
  return {
    driver: ledger.driver,
    networkFile: ledger.networkFile,
    mspId: config.mallMspId,
    user: ledger.user,
    preferredPeer: ledger.peerEndpoint,
    channel: ledger.channel,
    chaincode: ledger.chaincode,
    deadlines: deadlines(config),
  };
}

function deadlines(config: AppConfig): StageDeadlines {
  const l = config.ledger;
  return {
    evaluateMs: l.evaluateTimeoutMs ?? DEFAULT_DEADLINES.evaluateMs,
    endorseMs: l.endorseTimeoutMs ?? DEFAULT_DEADLINES.endorseMs,
    submitMs: l.submitTimeoutMs ?? DEFAULT_DEADLINES.submitMs,
    commitStatusMs: l.commitTimeoutMs ?? DEFAULT_DEADLINES.commitStatusMs,
  };
}

/** The production LEDGER provider: the driver named by LEDGER_DRIVER (gateway or legacy), connected as this mall. */
export const realLedgerProvider: FactoryProvider<Promise<LedgerPort>> = {
  provide: LEDGER,
  inject: [AppConfig],
  useFactory: async (config: AppConfig): Promise<LedgerPort> => {
    const ledger = await createLedger(ledgerSettings(config));
    // Nest calls this hook on provider values at app.close(): the gRPC channels must not outlive the app.
    return Object.assign(ledger, {
      onApplicationShutdown: (): void => {
        ledger.close();
      },
    });
  },
};
