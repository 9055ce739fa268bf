// The outbox claim query, old (per-row subqueries) and new (one pass over a prefix of the outbox) side by side in one
// run, on the same states of 1k / 10k / 50k queued rows in a real Postgres; each state is timed old, old without JIT
// and new in turn, round after round, and every round checks that both select the same rows.
//   BENCH_SIZES   queued rows per state (default 1000,10000,50000)
//   BENCH_ROUNDS  rounds per state (default 9; each runs every side once, in a rotating order)
//   BENCH_EXPLAIN=1  also prints EXPLAIN (ANALYZE, BUFFERS) of the new query's first prefix on every state
// Prints JSON lines and writes its section of docs/bench-intake.md (BENCH_NO_DOC=1: print only).
// `npm run bench:claim -w middleware`.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { CLAIM_LOCK, NO_JIT, SELECT_READY } from '../src/intake/outbox.sql';
import { selectReady } from '../src/intake/outbox.store';
import {
  OLD_SELECT_READY,
  benchState,
  loadClaimState,
  type ClaimState,
  type QueuedRow,
} from '../test/support/outbox-claim-state';
import { createTestDatabase } from '../test/support/test-db';
import { currentLoad, machine, type Machine } from './bench-support';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '9');
/** The batcher's defaults (BATCH_SIZE, BATCH_KEY_RUN_MAX). */
const CLAIM_SIZE = 100;
const KEY_RUN_MAX = 100;
/** Committed items that are no longer in the outbox (a claim must not scan them). */
const HISTORY = 50_000;

type SideName = 'old' | 'old, JIT off' | 'new';
const SIDES: SideName[] = ['old', 'old, JIT off', 'new'];

interface Shape {
  readonly name: string;
  readonly describe: string;
  readonly claimSize: number;
  state(queued: number): ClaimState;
}

/**
 * Every key's head ready and its second row waiting on a dependency that has not committed (a return pushed before
 * its sale): only the heads can go, and a claim larger than the number of keys reads the whole queue.
 */
function blockedRuns(queued: number, keys: number): ClaimState {
  const rows: QueuedRow[] = [];
  for (let id = 1; id <= queued; id++) {
    const k = id % keys;
    const second = id > keys && id <= 2 * keys;
    rows.push({
      id,
      key: `key-${k}`,
      time: 'ready',
      ageS: 1 + (queued - id) / 1000,
      ...(second ? { after: { kind: 'dep', naturalKey: `sale-${k}` } } : {}),
    });
  }
  const items = Array.from({ length: HISTORY }, (_, h) => ({
    kind: 'history',
    naturalKey: `h-${h}`,
    status: 'committed' as const,
  }));
  return { rows, items };
}

const SHAPES: Shape[] = [
  {
    name: 'mixed',
    describe:
      'keys of ~100 rows, a tenth of the rows unkeyed, 30 % of the keys with their head in flight and 10 % backing off, ' +
      '2 % of the other rows backing off, 5 % of the rows with a dependency (half committed), a dead item every 50 keys',
    claimSize: CLAIM_SIZE,
    state: (n) => benchState(n, Math.max(10, n / 100), HISTORY),
  },
  {
    name: 'blocked runs',
    describe:
      "keys of ~100 rows, every key's second row waiting on a dependency not committed: only the heads may go, and " +
      'the claim (1,000) is larger than the number of keys, so it reads the whole queue',
    claimSize: 1000,
    state: (n) => blockedRuns(n, Math.max(10, n / 100)),
  },
];

interface Figure {
  readonly shape: string;
  readonly queued: number;
  readonly side: SideName;
  readonly selected: number;
  readonly p50: number;
  readonly p95: number;
  readonly mean: number;
  readonly load: string;
}

async function timeSide(pg: Client, side: SideName, size: number): Promise<{ ms: number; ids: string[] }> {
  await pg.query('BEGIN');
  try {
    await pg.query(CLAIM_LOCK);
    const started = process.hrtime.bigint();
    let rows: { id: string }[];
    if (side === 'new') {
      await pg.query(NO_JIT);
      rows = await selectReady(async (sql, params) => (await pg.query(sql, params)).rows as unknown, size, KEY_RUN_MAX);
    } else {
      if (side === 'old, JIT off') await pg.query(NO_JIT);
      rows = (await pg.query<{ id: string }>(OLD_SELECT_READY, [size, KEY_RUN_MAX])).rows;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return { ms, ids: rows.map((r) => r.id) };
  } finally {
    await pg.query('ROLLBACK');
  }
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
}

/** The plan of the new query on the claim's first prefix, as the store runs it (JIT off), printed. */
async function explain(pg: Client, title: string, size: number): Promise<void> {
  await pg.query('BEGIN');
  try {
    await pg.query(NO_JIT);
    const plan = await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${SELECT_READY}`, [
      size,
      KEY_RUN_MAX,
      Math.max(1024, size * 4),
    ]);
    console.log(`---- plan: ${title}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  } finally {
    await pg.query('ROLLBACK');
  }
}

/** One warm-up round (not counted), then ROUNDS rounds, the order of the sides rotating; all must select alike. */
async function rounds(pg: Client, shape: Shape): Promise<{ times: Map<SideName, number[]>; selected: number }> {
  const times = new Map<SideName, number[]>(SIDES.map((s) => [s, []]));
  let selected = 0;
  for (let round = -1; round < ROUNDS; round++) {
    const order = SIDES.map((_, i) => SIDES[(i + Math.max(0, round)) % SIDES.length] as SideName);
    const ids = new Map<SideName, string>();
    for (const side of order) {
      const r = await timeSide(pg, side, shape.claimSize);
      ids.set(side, JSON.stringify(r.ids));
      if (round >= 0) times.get(side)?.push(r.ms);
      if (side === 'old') selected = r.ids.length;
    }
    if (new Set(ids.values()).size !== 1) throw new Error(`${shape.name}: the sides select different rows`);
  }
  return { times, selected };
}

async function measure(pg: Client): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const shape of SHAPES) {
    for (const queued of SIZES) {
      await loadClaimState(pg, shape.state(queued));
      await pg.query('VACUUM ANALYZE outbox');
      if (process.env.BENCH_EXPLAIN === '1') await explain(pg, `${shape.name}, ${queued} queued`, shape.claimSize);
      const { times, selected } = await rounds(pg, shape);
      for (const side of SIDES) {
        const xs = times.get(side) ?? [];
        const f: Figure = {
          shape: shape.name,
          queued,
          side,
          selected,
          p50: round1(quantile(xs, 0.5)),
          p95: round1(quantile(xs, 0.95)),
          mean: round1(xs.reduce((a, b) => a + b, 0) / xs.length),
          load: currentLoad(),
        };
        console.log(JSON.stringify(f));
        figures.push(f);
      }
    }
  }
  return figures;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

const NOTES = [
  'Reading the figures:',
  '',
  "- The old query pays per queued row it passes: a probe of its key's head, then up to `BATCH_KEY_RUN_MAX`",
  '  earlier rows of its key (each with its dependency probe) and a dead-item probe. A key with a ready head and a',
  '  long run costs about run² / 2 row reads, which is why **blocked runs** (every run stopped at its second row, so',
  '  the scan goes through the whole queue) reach seconds. The new query reads each row of its prefix once, plus one',
  '  index probe per dependency, and ranks the keyed rows in one sort.',
  "- **old, JIT off** against **old** is the share of JIT compilation: the old plan's estimated cost passes",
  '  `jit_above_cost`, and the difference between the two rows is what compiling cost in that run. The new path turns JIT off',
  '  for the claim transaction (`SET LOCAL jit = off`); the rest of its gain is the query itself.',
  "- **blocked runs** at 50,000 is the new query's worst case here: the claim cannot fill, so the prefix grows",
  '  4,000 → 16,000 → 64,000 rows and the whole queue is read (about 1.4 times in all). It stays linear in the queue.',
  '- Plans (`BENCH_EXPLAIN=1` prints `EXPLAIN (ANALYZE, BUFFERS)` of the first prefix): the prefix is a walk of the',
  '  primary key; its keyed rows are sorted in memory (quicksort) for the window, whose run condition',
  '  (`row_number() <= 100 AND blocked <= 0`) stops each key at its first row that is not ready; dependencies are',
  '  `intake_items_natural_key` probes, the dead items one read of the partial index `intake_items_dead` (all dead',
  '  items, merged by key); the outer walk of the primary key stops at the claim size, with the candidates as a hashed',
  '  subplan. No sequential scan and no scan of committed items; no new index was needed.',
  '- These are claim-query times in isolation (no concurrent intake or settles); what they change end to end is not',
  '  measured here.',
];

const HEADING = '## Issues 10 and 11: the claim query in one pass, old and new side by side';

function section(m: Machine, figures: readonly Figure[], endLoad: string): string {
  const rows = figures.map(
    (f) => `| ${f.shape} | ${f.queued} | ${f.side} | ${f.selected} | ${f.p50} | ${f.p95} | ${f.mean} | ${f.load} |`,
  );
  return [
    HEADING,
    '',
    `Run ${m.date} by \`npm run bench:claim -w middleware\` (bench/claim.bench.ts): ${m.cores} cores (${m.cpu}), ` +
      `Node ${m.node}, Postgres at 127.0.0.1, load average at start ${m.loadAtStart} and at the end ${endLoad} ` +
      '(the machine is shared with other sessions: the figures are noisy, compare sides of one row group, not runs).',
    '',
    'One claim query (`SELECT_READY` in its claim transaction, after `CLAIM_LOCK`, rolled back) on the same state,',
    `${ROUNDS} rounds after one warm-up, the order of the sides rotating every round; every round checks that all`,
    `sides select the same rows (the count is in the table). Key-run maximum ${KEY_RUN_MAX} (BATCH_KEY_RUN_MAX's`,
    `default), ${HISTORY.toLocaleString('en')} committed items beside the queue. Keys: a hundredth of the queued rows`,
    '(10 / 100 / 500). Shapes:',
    '',
    ...SHAPES.map((s) => `- **${s.name}** (claim size ${s.claimSize}): ${s.describe}.`),
    '',
    'Sides: **old** is the per-row query as main runs it (the server default, JIT on); **old, JIT off** is the same',
    'query with `SET LOCAL jit = off`, to separate the cost of JIT compilation from the query; **new** is the store',
    "path of this branch (`selectReady`: JIT off, the one-pass query over the outbox's first max(1024, 4 x size) rows,",
    'widened x4 until the claim is full or the prefix is the whole queue). Milliseconds per claim.',
    '',
    '| shape | queued | side | rows selected | p50 ms | p95 ms | mean ms | load (1 min) |',
    '| ----- | -----: | ---- | ------------: | -----: | -----: | ------: | -----------: |',
    ...rows,
    '',
    ...NOTES,
    '',
  ].join('\n');
}

function writeDoc(md: string): void {
  const file = path.resolve(__dirname, '..', '..', 'docs', 'bench-intake.md');
  const doc = readFileSync(file, 'utf8');
  const at = doc.indexOf(HEADING);
  if (at >= 0) {
    const next = doc.indexOf('\n## ', at + HEADING.length);
    writeFileSync(file, `${doc.slice(0, at)}${md}${next < 0 ? '' : `\n${doc.slice(next + 1)}`}`);
    return;
  }
  // Before the issue 9 sections: intake-compare.bench.ts rewrites its own from its heading to the end of the file.
  const before = doc.indexOf('## Issue 9 (fenced, ordered intake)');
  if (before < 0) writeFileSync(file, `${doc.trimEnd()}\n\n${md}`);
  else writeFileSync(file, `${doc.slice(0, before)}${md}\n${doc.slice(before)}`);
}

async function main(): Promise<void> {
  const m = machine();
  const db = await createTestDatabase();
  const pg = new Client({ connectionString: db.url });
  try {
    const ds = new DataSource({ ...dataSourceOptions(db.url, 2), logging: false });
    await ds.initialize();
    await ds.runMigrations();
    await ds.destroy();
    await pg.connect();
    const figures = await measure(pg);
    const md = section(m, figures, currentLoad());
    console.log(md);
    if (process.env.BENCH_NO_DOC !== '1') writeDoc(md);
  } finally {
    await pg.end().catch(() => undefined);
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
