// A middleware process for crash tests and the benchmark: the real application with a fake ledger
// whose committed transactions survive in a journal file. Prints `LISTENING <port>` when ready.
import 'reflect-metadata';
import { createApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/load-config';
import { LEDGER } from '../../src/ledger/ledger.port';
import { announceListening, runChild } from './announce';
import { FakeLedger } from './fake-ledger';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const ledger = new FakeLedger({ journal: process.env.FAKE_LEDGER_JOURNAL });
  const delay = Number(process.env.FAKE_LEDGER_DELAY_MS ?? '0');
  if (delay > 0) ledger.beforeSubmit = () => new Promise((r) => setTimeout(r, delay));
  const app = await createApp(config, { provide: LEDGER, useValue: ledger });
  await announceListening(app, config.port, config.host);
}

runChild(main);
