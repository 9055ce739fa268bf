import 'reflect-metadata';
import { createApp } from './app/create-app';
import { realLedgerProvider } from './app/ledger.provider';
import { ConfigError } from './config/app-config';
import { loadConfig } from './config/load-config';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config, realLedgerProvider);
  await app.listen(config.port, config.host);
}

main().catch((e: unknown) => {
  // Before the logger exists (bad configuration) the reason must still reach the operator.
  process.stderr.write(
    `${e instanceof ConfigError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
