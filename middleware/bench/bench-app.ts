// The middleware as the benchmarks run it: the real application in its own process, with the
// in-memory fake ledger (default) or the real Fabric network (BENCH_LEDGER=real, configured by the
// usual LEDGER_* settings). Prints `LISTENING <port>`; on stdin, `profile-start` / `profile-stop
// <file>` record a V8 CPU profile of the hot path (answers `PROFILED`).
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createInterface } from 'node:readline';
import type { Provider } from '@nestjs/common';
import { createApp } from '../src/app/create-app';
import { realLedgerProvider } from '../src/app/ledger.provider';
import { loadConfig } from '../src/config/load-config';
import { LEDGER } from '../src/ledger/ledger.port';
import { announceListening, runChild } from '../test/support/announce';
import { FakeLedger } from '../test/support/fake-ledger';

function post(session: Session, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session.post(method, (err, res) => {
      if (err) reject(err);
      else resolve(res);
    });
  });
}

function listenForProfiling(): void {
  const session = new Session();
  session.connect();
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [cmd, file] = line.trim().split(' ');
    const step =
      cmd === 'profile-start'
        ? post(session, 'Profiler.enable').then(() => post(session, 'Profiler.start'))
        : post(session, 'Profiler.stop').then((r) => {
            writeFileSync(file ?? 'bench.cpuprofile', JSON.stringify((r as { profile: unknown }).profile));
          });
    void step.then(() => process.stdout.write('PROFILED\n'));
  });
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const ledger: Provider =
    process.env.BENCH_LEDGER === 'real' ? realLedgerProvider : { provide: LEDGER, useValue: new FakeLedger() };
  const app = await createApp(config, ledger);
  listenForProfiling();
  await announceListening(app, config.port, config.host);
}

runChild(main);
