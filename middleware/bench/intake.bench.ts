// Intake benchmark: the real middleware (child process, real Postgres, fake ledger) under
// concurrent POST /v1/notes; prints items/s and p50/p99 acknowledgement latency, and the
// commit→cache lag, then writes docs/bench-intake.md.
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { hashKey } from '../src/auth/api-keys.service';
import { killHard, startChildApp } from '../test/support/child-app';
import { testEnv } from '../test/support/test-app';
import { createTestDatabase } from '../test/support/test-db';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? '10000');
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? '64');
const KEY = 'mck_bench_key_0123456789abcdef';
/** Items per request: 1 = POST /v1/notes, more = POST /v1/notes/batch (how a POS uploads receipts). */
const BATCH = Number(process.env.BENCH_BATCH ?? '1');

function body(seq: () => number): string {
  if (BATCH === 1) return JSON.stringify({ id: `bench-${seq()}`, text: 'receipt 128.50' });
  return JSON.stringify({
    notes: Array.from({ length: BATCH }, () => ({ id: `bench-${seq()}`, text: 'receipt 128.50' })),
  });
}

function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: BATCH === 1 ? '/v1/notes' : '/v1/notes/batch',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': KEY },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const loadStart = loadavg().map((x) => x.toFixed(1)).join(' / ');
  const db = await createTestDatabase();
  const child = await startChildApp({
    ...testEnv(db.url),
    LOG_LEVEL: 'warn',
    THROTTLE_LIMIT: '100000000',
    BATCH_SIZE: '500',
    BATCH_CONCURRENCY: '200',
    ...(process.env.BENCH_NO_WORKERS === '1' ? { WORKERS_ENABLED: 'false' } : {}),
  });
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  await pg.query(
    `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes) VALUES ('MallAMSP', 'bench', 'x', $1, '{admin}')`,
    [hashKey(KEY)],
  );
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  let seq = 0;
  // Warm-up, not measured.
  await Promise.all(
    Array.from({ length: 200 }, () => post(agent, child.port, JSON.stringify({ id: `warm-${seq++}`, text: 'w' }))),
  );
  const start = performance.now();
  const end = start + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const status = await post(
          agent,
          child.port,
          body(() => seq++),
        );
        latencies.push(performance.now() - t0);
        if (status !== (BATCH === 1 ? 202 : 200)) errors++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const rate = (latencies.length * BATCH) / seconds;
  // Commit→cache: time until every accepted item is committed and projected into `notes`.
  const drainStart = performance.now();
  for (;;) {
    const r = await pg.query(
      `SELECT (SELECT count(*) FROM outbox)::int AS o, (SELECT count(*) FROM intake_items)::int AS i, (SELECT count(*) FROM notes)::int AS n`,
    );
    const row = r.rows[0] as { o: number; i: number; n: number };
    if (process.env.BENCH_NO_WORKERS === '1' || (row.o === 0 && row.n === row.i)) break;
    if (performance.now() - drainStart > 120_000) throw new Error('outbox did not drain');
    await new Promise((res) => setTimeout(res, 100));
  }
  const lag = await pg.query(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch from committed_at - created_at)) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch from committed_at - created_at)) AS p99 FROM intake_items`,
  );
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const l = lag.rows[0] as { p50: number; p99: number };
  await pg.end();
  agent.destroy();
  await killHard(child);
  await db.drop();

  const report = {
    requests: latencies.length,
    itemsPerRequest: BATCH,
    items: latencies.length * BATCH,
    seconds: seconds.toFixed(1),
    itemsPerSecond: Math.round(rate),
    p50ms: percentile(latencies, 50).toFixed(2),
    p99ms: percentile(latencies, 99).toFixed(2),
    errors,
    acceptToCommitP50s: l.p50.toFixed(2),
    acceptToCommitP99s: l.p99.toFixed(2),
    drainAfterLoadSeconds: drainSeconds.toFixed(1),
  };
  console.log(JSON.stringify(report, null, 2));
  const md = `# Intake benchmark

Generated by \`npm run bench -w middleware\` (middleware/bench/intake.bench.ts) on ${new Date().toISOString().slice(0, 10)},
${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}.

Setup: the real middleware in its own process (Fastify, API-key auth, validation, pino at \`warn\`),
local Postgres 15, ${BATCH === 1 ? '`POST /v1/notes`, one item per request' : `\`POST /v1/notes/batch\`, ${BATCH} items per request`}, ${CONCURRENCY} concurrent keep-alive
connections for ${DURATION_MS / 1000} s, load generator on the same machine. The ledger is the in-memory
fake (the Fabric path is measured separately), so the figures are the intake's own: an
acknowledgement means the item and its outbox row are committed in Postgres (group commit).

| metric | value |
|---|---|
| items acknowledged | ${report.items} |
| throughput | **${report.itemsPerSecond} items/s** |
| ack latency p50 | ${report.p50ms} ms |
| ack latency p99 | **${report.p99ms} ms** |
| unexpected HTTP status | ${errors} |
| accept → committed (fake ledger) p50 / p99 | ${report.acceptToCommitP50s} s / ${report.acceptToCommitP99s} s |
| outbox drained and projected after load stopped | ${report.drainAfterLoadSeconds} s |

Target: ≥ 5,000 items/s with p99 < 50 ms on 2 cores. Load average when the run started:
${loadStart} (other processes share the machine: read the figures with that in mind).
`;
  writeFileSync(path.resolve(__dirname, '..', '..', 'docs', 'bench-intake.md'), md);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
