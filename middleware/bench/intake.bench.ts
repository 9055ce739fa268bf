// Intake benchmark: the real middleware (own process, real Postgres, fake ledger) under load from
// a separate load-generator process; a sweep over items per request and connections. Prints the
// figures and writes docs/bench-intake.md. `npm run bench -w middleware`.
//   BENCH_SCENARIOS  items x connections, comma-separated (default below)
//   BENCH_DURATION_MS  per scenario (default 8000)
//   BENCH_WORKERS=1  also run the batcher and projection while loading (default: intake alone)
//   BENCH_PROFILE=<file>  write a V8 CPU profile of the middleware during the first scenario
//   BENCH_NO_DOC=1   print only
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  BENCH_KEY,
  benchDatabase,
  currentLoad,
  insertAdminKey,
  machine,
  postgresCpu,
  postgresCpuDelta,
  processCpuMs,
  runLoad,
  sleep,
  startBenchApp,
} from './bench-support';
import type { LoadResult } from './load-gen';
import { intakeReport, type IntakeRow } from './intake.report';

const DEFAULT_SCENARIOS = '1x8,1x16,1x24,1x32,20x2,20x4,20x8,100x1,100x2,100x4,1000x1';
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? '8000');
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? DEFAULT_SCENARIOS).split(',').map((s) => {
  const [batch, connections] = s.split('x').map(Number);
  return { batch: batch ?? 1, connections: connections ?? 1 };
});
const WORKERS = process.env.BENCH_WORKERS === '1';

async function main(): Promise<void> {
  const m = machine();
  const db = await benchDatabase();
  const app = await startBenchApp(db.url, {
    WORKERS_ENABLED: WORKERS ? 'true' : 'false',
    THROTTLE_LIMIT: '100000000',
    BATCH_SIZE: '500',
    BATCH_CONCURRENCY: '200',
  });
  const rows: IntakeRow[] = [];
  try {
    await insertAdminKey(db.pg);
    // Warm-up (JIT, pool connections, key cache), not measured.
    for (const batch of [1, 20]) {
      await runLoad({
        port: app.port,
        apiKey: BENCH_KEY,
        batch,
        connections: 8,
        durationMs: 1500,
        idPrefix: `w${batch}`,
      });
    }
    for (const [i, s] of SCENARIOS.entries()) {
      const profile = i === 0 ? process.env.BENCH_PROFILE : undefined;
      if (profile !== undefined) await app.command('profile-start');
      const load = currentLoad();
      const app0 = processCpuMs(app.proc.pid);
      const pg0 = await postgresCpu(db.pg);
      const r: LoadResult = await runLoad({
        port: app.port,
        apiKey: BENCH_KEY,
        batch: s.batch,
        connections: s.connections,
        durationMs: DURATION_MS,
        idPrefix: `s${i}`,
      });
      const appCpuMs = processCpuMs(app.proc.pid) - app0;
      const pgCpuMs = postgresCpuDelta(pg0, await postgresCpu(db.pg));
      if (profile !== undefined) await app.command(`profile-stop ${profile}`);
      const row: IntakeRow = { ...s, load, ...r, appCpuMs, pgCpuMs };
      rows.push(row);
      console.log(JSON.stringify(row));
      await sleep(500);
    }
    const stored = await db.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM intake_items');
    const outbox = await db.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
    const acked = rows.reduce((n, r) => n + r.items, 0);
    console.log(JSON.stringify({ acknowledged: acked, intakeRows: stored.rows[0]?.n, outboxRows: outbox.rows[0]?.n }));
  } finally {
    await app.stop();
    await db.drop();
  }
  if (process.env.BENCH_NO_DOC !== '1') {
    const md = intakeReport(m, rows, { durationMs: DURATION_MS, workers: WORKERS });
    writeFileSync(path.resolve(__dirname, '..', '..', 'docs', 'bench-intake.md'), md);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
