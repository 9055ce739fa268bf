// Old and new code side by side in one run, and batched accruals on the dev network.
//   BENCH_OLD_BENCH_DIR  the `middleware/bench` folder of the old code (e.g. a `git archive` of main in /tmp)
//   BENCH_SCENARIOS      items x connections (default 1x16,20x4,100x4,1000x1)
//   BENCH_DURATION_MS    per scenario and side (default 6000)
//   BENCH_ROUNDS         rounds; each runs old and new once per scenario, alternating who goes first (default 2)
//   BENCH_ACCRUALS       accruals per ledger run (default 1000; 0 skips the ledger part, which needs the dev network)
// Prints JSON lines and writes its section of docs/bench-intake.md (BENCH_NO_DOC=1: print only).
// `node -r ./test/support/ts-register.js bench/intake-compare.bench.ts` in middleware/.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app/create-app';
import { realLedgerProvider } from '../src/app/ledger.provider';
import { loadConfig } from '../src/config/load-config';
import { IntakeService } from '../src/intake/intake.service';
import type { IntakeRequest } from '../src/intake/intake.types';
import { PointsLedger } from '../src/ledger/domain/points.ledger';
import { createLedger } from '../src/ledger/ledger.factory';
import { createDid } from '../../test/support/chain-requests';
import { newKey } from '../../test/support/chain-keys';
import { realEnv } from '../test/e2e/support/real-env';
import { requireNetwork } from '../test/ledger/network';
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
  type BenchApp,
  type BenchDb,
} from './bench-support';

const OLD_DIR = process.env.BENCH_OLD_BENCH_DIR;
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? '1x16,20x4,100x4,1000x1').split(',').map((s) => {
  const [batch, connections] = s.split('x').map(Number);
  return { name: s, batch: batch ?? 1, connections: connections ?? 1 };
});
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? '6000');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '2');
const ACCRUALS = Number(process.env.BENCH_ACCRUALS ?? '1000');
/** Submits in flight in the ledger runs: a claim takes at most this many items. */
const CONCURRENCY = 100;
const APP_ENV = { WORKERS_ENABLED: 'false', THROTTLE_LIMIT: '100000000', BATCH_SIZE: '500', BATCH_CONCURRENCY: '200' };

interface Side {
  readonly label: 'old' | 'new';
  readonly app: BenchApp;
  readonly db: BenchDb;
}

interface IntakeFigure {
  readonly scenario: string;
  readonly round: number;
  readonly side: string;
  readonly itemsPerSecond: number;
  readonly p99ms: number;
  readonly appUsPerItem: number;
  readonly pgUsPerItem: number;
  /** Answers other than 202 / 200, by status: such figures do not count. */
  readonly unexpected: string;
  readonly load: string;
}

interface AccrualFigure {
  readonly mode: string;
  readonly callMaxItems: number;
  readonly items: number;
  readonly seconds: number;
  readonly itemsPerSecond: number;
  readonly transactions: number;
  readonly load: string;
}

async function side(label: 'old' | 'new', dir: string): Promise<Side> {
  const db = await benchDatabase();
  const app = await startBenchApp(db.url, APP_ENV, dir);
  await insertAdminKey(db.pg);
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
  return { label, app, db };
}

async function measure(s: Side, sc: (typeof SCENARIOS)[number], round: number): Promise<IntakeFigure> {
  const load = currentLoad();
  const app0 = processCpuMs(s.app.proc.pid);
  const pg0 = await postgresCpu(s.db.pg);
  const r = await runLoad({
    port: s.app.port,
    apiKey: BENCH_KEY,
    batch: sc.batch,
    connections: sc.connections,
    durationMs: DURATION_MS,
    idPrefix: `${s.label}-${round}-${sc.name}`,
  });
  const items = Math.max(1, r.items);
  return {
    scenario: sc.name,
    round,
    side: s.label,
    itemsPerSecond: r.itemsPerSecond,
    p99ms: r.p99ms,
    appUsPerItem: Math.round(((processCpuMs(s.app.proc.pid) - app0) * 1000) / items),
    pgUsPerItem: Math.round((postgresCpuDelta(pg0, await postgresCpu(s.db.pg)) * 1000) / items),
    unexpected:
      Object.entries(r.unexpected)
        .map(([status, n]) => `${n}×${status}`)
        .join(' ') || '0',
    load,
  };
}

async function intakeSideBySide(): Promise<IntakeFigure[]> {
  if (OLD_DIR === undefined) throw new Error('BENCH_OLD_BENCH_DIR: the old code is required for a side-by-side run');
  const sides = [await side('old', OLD_DIR), await side('new', __dirname)];
  const out: IntakeFigure[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const sc of SCENARIOS) {
        const order = round % 2 === 1 ? sides : [...sides].reverse();
        for (const s of order) {
          const f = await measure(s, sc, round);
          console.log(JSON.stringify(f));
          out.push(f);
          await sleep(300);
        }
      }
    }
  } finally {
    for (const s of sides) {
      await s.app.stop();
      await s.db.drop();
    }
  }
  return out;
}

/** Accruals for a program and members made on the dev network, carried to the ledger by one app run. */
async function accrualRun(
  networkFile: string,
  programId: string,
  members: readonly string[],
  mode: string,
  callMaxItems: number,
): Promise<AccrualFigure> {
  const db = await benchDatabase();
  try {
    const env = realEnv(networkFile, db.url, {
      extra: {
        BATCH_CALL_MAX_ITEMS: String(callMaxItems),
        BATCH_SIZE: '500',
        BATCH_CONCURRENCY: String(CONCURRENCY),
        BATCH_WAIT_MS: '50',
        LOG_LEVEL: 'warn',
      },
    });
    const app: NestFastifyApplication = await createApp(loadConfig(env), realLedgerProvider);
    try {
      await app.init();
      const intake = app.get(IntakeService);
      const points = app.get(PointsLedger);
      const reqs: IntakeRequest[] = Array.from({ length: ACCRUALS }, (_, i) => {
        const sourceRef = `${programId}-${mode}-${i}`;
        const call = points.accrue({ programId, member: members[i % members.length] ?? '', amount: 1, sourceRef });
        return { kind: 'bench-accrual', naturalKey: sourceRef, payload: { i }, ...call };
      });
      const load = currentLoad();
      const started = process.hrtime.bigint();
      await intake.acceptMany(reqs);
      for (;;) {
        const {
          rows: [row],
        } = await db.pg.query<{ pending: number; txs: number }>(
          `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(DISTINCT tx_id)::int AS txs
           FROM intake_items WHERE kind = 'bench-accrual'`,
        );
        if (row?.pending === 0) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          return {
            mode,
            callMaxItems,
            items: ACCRUALS,
            seconds: Math.round(seconds * 100) / 100,
            itemsPerSecond: Math.round(ACCRUALS / seconds),
            transactions: row.txs,
            load,
          };
        }
        await sleep(200);
      }
    } finally {
      await app.close();
    }
  } finally {
    await db.drop();
  }
}

async function accruals(): Promise<AccrualFigure[]> {
  if (ACCRUALS <= 0) return [];
  const networkFile = requireNetwork();
  const { channel } = JSON.parse(readFileSync(networkFile, 'utf8')) as { channel: string };
  const admin = await createLedger({ driver: 'gateway', networkFile, mspId: 'MallAMSP', user: 'admin' });
  const client = await createLedger({ driver: 'gateway', networkFile, mspId: 'MallAMSP' });
  const programId = `bench-${Date.now().toString(36)}`;
  const keys = Array.from({ length: 10 }, () => newKey('ES256'));
  try {
    const program = { programId, name: 'Mall A Rewards', unitValueFen: 10, expiryMonths: 12, returnWindowDays: 0 };
    await admin.submit('points:RegisterProgram', [JSON.stringify(program)]);
    for (const k of keys) await client.submit('dids:CreateDid', [JSON.stringify(createDid(channel, k))]);
  } finally {
    admin.close();
    client.close();
  }
  const out: AccrualFigure[] = [];
  for (const [mode, max] of [
    ['per item (main)', 1],
    ['batched', 100],
  ] as const) {
    const f = await accrualRun(
      networkFile,
      programId,
      keys.map((k) => k.did),
      `${mode.replace(/\W+/g, '')}${max}`,
      max,
    );
    console.log(JSON.stringify({ ...f, mode }));
    out.push({ ...f, mode });
  }
  return out;
}

function section(
  m: ReturnType<typeof machine>,
  intake: readonly IntakeFigure[],
  acc: readonly AccrualFigure[],
): string {
  const pair = (sc: string, round: number): string => {
    const o = intake.find((f) => f.scenario === sc && f.round === round && f.side === 'old');
    const n = intake.find((f) => f.scenario === sc && f.round === round && f.side === 'new');
    if (!o || !n) return '';
    return `| ${sc} | ${round} | ${o.itemsPerSecond} | ${n.itemsPerSecond} | ${o.p99ms} | ${n.p99ms} | ${o.appUsPerItem} + ${o.pgUsPerItem} | ${n.appUsPerItem} + ${n.pgUsPerItem} | ${o.unexpected} / ${n.unexpected} | ${o.load} / ${n.load} |`;
  };
  const rows = [...new Set(intake.map((f) => `${f.scenario}\u0000${f.round}`))].map((k) => {
    const [sc = '', round = '1'] = k.split('\u0000');
    return pair(sc, Number(round));
  });
  return `${HEADING}

Generated by \`bench/intake-compare.bench.ts\` on ${m.date} (${m.cores} cores, load at start ${m.loadAtStart}).
The old code is main as this branch started from it (a \`git archive\` in /tmp, run by the same bench app and load
generator), the new one this branch; per scenario both run ${DURATION_MS / 1000} s, alternately, in ${ROUNDS} rounds (who
goes first alternates). Intake alone (workers off), fake ledger, as above. CPU µs per item: the middleware process +
its Postgres backends, from /proc.

| scenario | round | old items/s | new items/s | old p99 ms | new p99 ms | old CPU µs/item (app + pg) | new CPU µs/item (app + pg) | non-2xx (old / new) | load (old / new) |
| -------- | ----- | ----------: | ----------: | ---------: | ---------: | -------------------------: | -------------------------: | ------------------- | ---------------- |
${rows.join('\n')}

Batched accruals on the dev network (real Fabric: 1 Raft orderer, two malls' peers, majority endorsement; real
Postgres): ${ACCRUALS} accruals of one program accepted in one call, timed until every item is committed.
\`BATCH_CALL_MAX_ITEMS=1\` carries each as its own \`points:Accrue\` (exactly main's path: units of one item go
through the unchanged one-item code); larger values merge them into \`points:AccrueBatch\` calls.
\`BATCH_SIZE=500\`, \`BATCH_CONCURRENCY=${CONCURRENCY}\` (a claim takes at most ${CONCURRENCY} items), \`BATCH_WAIT_MS=50\`.

| mode | BATCH_CALL_MAX_ITEMS | items | seconds | items/s | ledger transactions | load |
| ---- | -------------------: | ----: | ------: | ------: | ------------------: | ---- |
${acc.map((a) => `| ${a.mode} | ${a.callMaxItems} | ${a.items} | ${a.seconds} | **${a.itemsPerSecond}** | ${a.transactions} | ${a.load} |`).join('\n')}
`;
}

const HEADING = '## Issue 9, remaining part (batch codecs, ordering holes): old and new side by side';

async function main(): Promise<void> {
  const m = machine();
  const intake = await intakeSideBySide();
  const acc = await accruals();
  const md = section(m, intake, acc);
  console.log(md);
  if (process.env.BENCH_NO_DOC === '1') return;
  const file = path.resolve(__dirname, '..', '..', 'docs', 'bench-intake.md');
  const doc = readFileSync(file, 'utf8');
  const at = doc.indexOf(HEADING);
  writeFileSync(file, `${(at < 0 ? doc : doc.slice(0, at)).trimEnd()}\n\n${md}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
