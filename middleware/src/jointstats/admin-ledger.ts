import type { FactoryProvider } from '@nestjs/common';
import { ledgerSettings } from '../app/ledger.provider';
import { AppConfig } from '../config/app-config';
import { JointStatsLedger } from '../ledger/domain/jointstats.ledger';
import { createLedger } from '../ledger/ledger.factory';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port';

/**
 * A LedgerPort signed by this mall's **admin** (ProposeRound and JoinRound need the admin NodeOU role), connected on
 * first use. With `LEDGER_USER=admin` the application's own connection is used.
 */
export class LazyAdminLedger implements LedgerPort {
  #port: Promise<LedgerPort> | undefined;

  constructor(private readonly config: AppConfig) {}

  #get(): Promise<LedgerPort> {
    this.#port ??= createLedger({ ...ledgerSettings(this.config), user: 'admin' });
    return this.#port;
  }

  async submit(...a: Parameters<LedgerPort['submit']>): ReturnType<LedgerPort['submit']> {
    return (await this.#get()).submit(...a);
  }

  async evaluate(...a: Parameters<LedgerPort['evaluate']>): ReturnType<LedgerPort['evaluate']> {
    return (await this.#get()).evaluate(...a);
  }

  async chaincodeEvents(...a: Parameters<LedgerPort['chaincodeEvents']>): ReturnType<LedgerPort['chaincodeEvents']> {
    return (await this.#get()).chaincodeEvents(...a);
  }

  async txStatus(txId: string): ReturnType<LedgerPort['txStatus']> {
    return (await this.#get()).txStatus(txId);
  }

  async ping(): Promise<boolean> {
    return (await this.#get()).ping();
  }

  close(): void {
    void this.#port?.then((p) => {
      p.close();
    });
  }

  onApplicationShutdown(): void {
    this.close();
  }
}

export const jointStatsLedgerProvider: FactoryProvider<JointStatsLedger> = {
  provide: JointStatsLedger,
  inject: [AppConfig, LEDGER],
  useFactory: (config: AppConfig, ledger: LedgerPort) =>
    new JointStatsLedger(config.ledger.user === 'admin' ? ledger : new LazyAdminLedger(config)),
};
