// Projection benchmark: how fast the read model catches up (events/s, batched vs one transaction
// per event) and the commit→cache lag (ledger commit of a transaction → its row visible in
// Postgres to another connection). `npm run bench:projection -w middleware`.
//   BENCH_LEDGER=real  against the dev Fabric network (LEDGER_NETWORK_FILE, default
//                      ../.mallchain/dev/network.json): history replay + lag of real PutNote txs
//   BENCH_EVENTS       backlog size with the fake ledger (default 20000)
//   BENCH_NO_DOC=1     print only
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import 'reflect-metadata';
import { machine } from './bench-support';
import { catchUp, lagRun, openBench, perEventBaseline, type CatchUp, type Lag } from './projection.stages';
import { projectionReport } from './projection.report';

const REAL = process.env.BENCH_LEDGER === 'real';
const EVENTS = Number(process.env.BENCH_EVENTS ?? '20000');

async function main(): Promise<void> {
  const m = machine();
  const b = await openBench(REAL);
  const catchUps: CatchUp[] = [];
  const lags: Lag[] = [];
  try {
    if (REAL) {
      catchUps.push(await catchUp(b, 1000, 'channel history from block 0 plus a backlog of 1000 PutNote (batched)'));
      for (const [rate, n] of [
        [5, 50],
        [50, 300],
      ] as const)
        lags.push(await lagRun(b, rate, n));
    } else {
      catchUps.push(await perEventBaseline(b, 2000));
      catchUps.push(await catchUp(b, EVENTS, `backlog of ${EVENTS} transactions (batched, ≤ 500 per commit)`));
      for (const [rate, n] of [
        [100, 1000],
        [1000, 5000],
        [5000, 20000],
      ] as const)
        lags.push(await lagRun(b, rate, n));
    }
  } finally {
    await b.close();
  }
  for (const c of catchUps) console.log(JSON.stringify(c));
  for (const l of lags) console.log(JSON.stringify(l));
  if (process.env.BENCH_NO_DOC !== '1') {
    const file = REAL ? 'bench-projection-fabric.md' : 'bench-projection.md';
    writeFileSync(path.resolve(__dirname, '..', '..', 'docs', file), projectionReport(m, REAL, catchUps, lags));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
