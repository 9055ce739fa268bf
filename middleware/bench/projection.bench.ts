// Projection benchmark: how fast the read model catches up (events/s, batched vs one transaction
// per event) and the commit→cache lag (ledger commit of a transaction → its row visible in
// Postgres to another connection). `npm run bench:projection -w middleware`.
//   BENCH_LEDGER=real  also against the dev Fabric network (LEDGER_NETWORK_FILE, default
//                      ../.mallchain/dev/network.json): catch-up + lag of real PutNote txs
//   BENCH_EVENTS       backlog size with the fake ledger (default 20000)
//   BENCH_NO_DOC=1     print only
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import 'reflect-metadata';
import { machine } from './bench-support';
import { catchUp, lagRun, openBench, perEventBaseline, type Lag } from './projection.stages';
import { projectionReport, type Section } from './projection.report';

const REAL = process.env.BENCH_LEDGER === 'real';
const EVENTS = Number(process.env.BENCH_EVENTS ?? '20000');

/** The projection stage alone, on the in-memory fake ledger. */
async function fakeRun(): Promise<Section> {
  const b = await openBench(false);
  try {
    const catchUps = [
      await perEventBaseline(b, 2000),
      await catchUp(b, EVENTS, `backlog of ${EVENTS} transactions (batched, ≤ 500 per commit)`),
    ];
    const lags: Lag[] = [];
    for (const [rate, n] of [
      [100, 1000],
      [1000, 5000],
      [5000, 20000],
    ] as const)
      lags.push(await lagRun(b, rate, n));
    return { real: false, catchUps, lags };
  } finally {
    await b.close();
  }
}

/** The dev Fabric network: event delivery by the peer included. */
async function realRun(): Promise<Section> {
  const b = await openBench(true);
  try {
    const catchUps = [await catchUp(b, 1000, 'channel history from block 0 plus a backlog of 1000 PutNote (batched)')];
    const lags: Lag[] = [];
    for (const [rate, n] of [
      [5, 50],
      [50, 300],
    ] as const)
      lags.push(await lagRun(b, rate, n));
    return { real: true, catchUps, lags };
  } finally {
    await b.close();
  }
}

async function main(): Promise<void> {
  const m = machine();
  const sections = [await fakeRun(), ...(REAL ? [await realRun()] : [])];
  for (const s of sections)
    for (const row of [...s.catchUps, ...s.lags]) console.log(JSON.stringify({ real: s.real, ...row }));
  if (process.env.BENCH_NO_DOC !== '1') {
    writeFileSync(path.resolve(__dirname, '..', '..', 'docs', 'bench-projection.md'), projectionReport(m, sections));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
