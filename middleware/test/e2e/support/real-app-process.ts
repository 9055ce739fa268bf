// The production middleware (real ledger driver, real Postgres) in a child process, for kill -9 tests.
// E2E_CRASH_AT makes it kill itself at a chosen point of the first submit:
//   after-record  once the transaction ID (and envelope) is recorded in Postgres, before it is sent;
//   after-submit  once the ledger reported the commit, before the batcher saved the result.
// Prints `LISTENING <port>` when ready.
import 'reflect-metadata';
import type { FactoryProvider } from '@nestjs/common';
import { createApp } from '../../../src/app/create-app';
import { realLedgerProvider } from '../../../src/app/ledger.provider';
import { AppConfig } from '../../../src/config/app-config';
import { loadConfig } from '../../../src/config/load-config';
import { LEDGER, type LedgerPort, type SubmitOptions, type SubmitResult } from '../../../src/ledger/ledger.port';
import { announceListening, runChild } from '../../support/announce';

type CrashPoint = 'after-record' | 'after-submit';

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

/** The ledger with a submit that kills the process at `at`; every other member is the real one. */
function crashing(ledger: LedgerPort, at: CrashPoint): LedgerPort {
  const submit = async (fn: string, args: readonly string[], opts: SubmitOptions = {}): Promise<SubmitResult> => {
    const beforeSend = opts.beforeSend;
    const hooked: SubmitOptions =
      at === 'after-record' && beforeSend
        ? {
            ...opts,
            beforeSend: async (tx) => {
              await beforeSend(tx);
              die();
            },
          }
        : opts;
    const r = await ledger.submit(fn, args, hooked);
    if (at === 'after-submit') die();
    return r;
  };
  return new Proxy(ledger, {
    get(target, prop): unknown {
      if (prop === 'submit') return submit;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const at = process.env.E2E_CRASH_AT as CrashPoint | undefined;
  const provider: FactoryProvider<Promise<LedgerPort>> = {
    provide: LEDGER,
    inject: [AppConfig],
    useFactory: async (c: AppConfig): Promise<LedgerPort> => {
      const ledger = await realLedgerProvider.useFactory(c);
      return at === undefined ? ledger : crashing(ledger, at);
    },
  };
  const app = await createApp(config, provider);
  await announceListening(app, config.port, config.host);
}

runChild(main);
