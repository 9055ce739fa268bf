// Old and new Haide accept paths side by side in one run: `npm run bench:pos:compare -w middleware`.
// Runs bench/pos.bench.ts of an old checkout (BENCH_OLD_DIR, a worktree of main with its own build) and then of this
// one, one after the other on the same dev network (MALLCHAIN_HOME / MALLCHAIN_PORT_BASE; started once if down), each
// with a fresh middleware process and database; collects each phase's figures (the JSON lines the bench prints) and
// writes docs/bench-pos.md: the comparison table, then this checkout's full report, then the old run's table.
//   BENCH_OLD_DIR           root of the old checkout (default ../wt-pos-old next to this one)
//   BENCH_OLD_DURATION_S    seconds of pushing per batch size for the old code (default 60)
//   BENCH_DURATION_S        the same for the new code (default 120); BENCH_BATCHES, BENCH_TILLS as bench:pos
//   BENCH_OLD_MW_<NAME> / BENCH_NEW_MW_<NAME>  <NAME> in that side's middleware environment only (BENCH_OLD_DIR
//                           may then be this checkout: one setting measured against another)
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { machine } from './bench-support';
import { devNetwork } from './pos-setup';
import { type PhaseResult, report } from './pos.report';

const ROOT = path.join(__dirname, '..', '..');
const OLD_DIR = process.env.BENCH_OLD_DIR ?? path.join(ROOT, '..', 'wt-pos-old');
const OLD_S = Number(process.env.BENCH_OLD_DURATION_S ?? '60');
const NEW_S = Number(process.env.BENCH_DURATION_S ?? '120');
const TILLS = Number(process.env.BENCH_TILLS ?? '8');
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? '20');

/** `git describe`-like short name of a checkout's HEAD, for the table (the old side is any revision). */
function revision(root: string): string {
  try {
    return execFileSync('git', ['-C', root, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

/** The side's own middleware settings (BENCH_<side>_MW_*), for its label. */
function settings(side: 'OLD' | 'NEW'): string {
  const prefix = `BENCH_${side}_MW_`;
  return Object.entries(process.env)
    .filter(([k]) => k.startsWith(prefix))
    .map(([k, v]) => `, ${k.slice(prefix.length)}=${v ?? ''}`)
    .join('');
}

function log(msg: string): void {
  process.stderr.write(`[bench:pos:compare] ${msg}\n`);
}

/** Runs one checkout's bench:pos (no doc written) and returns the phases it printed. */
function run(root: string, durationS: number, side: 'OLD' | 'NEW'): Promise<PhaseResult[]> {
  const mw = path.join(root, 'middleware');
  // BENCH_<side>_MW_<NAME>=v: <NAME>=v in that side's middleware only (e.g. BENCH_NEW_MW_BATCH_SIZE=500).
  const prefix = `BENCH_${side}_MW_`;
  const own = Object.fromEntries(
    Object.entries(process.env).flatMap(([k, v]) =>
      k.startsWith(prefix) && v !== undefined ? [[`BENCH_MW_${k.slice(prefix.length)}`, v]] : [],
    ),
  );
  const child = spawn(process.execPath, ['-r', './test/support/ts-register.js', 'bench/pos.bench.ts'], {
    cwd: mw,
    env: { ...process.env, ...own, BENCH_NO_DOC: '1', BENCH_DURATION_S: String(durationS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const phases: PhaseResult[] = [];
  let buf = '';
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith('{"batch"')) phases.push(JSON.parse(line) as PhaseResult);
    }
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code === 0) resolve(phases);
      else reject(new Error(`bench:pos in ${root} exited with ${String(code)}`));
    });
  });
}

const f0 = (x: number): string => Math.round(x).toString();
const rate = (n: number, s: number): number => (s > 0 ? n / s : 0);

function line(label: string, durationS: number, r: PhaseResult): string {
  const accepted = rate(r.pushed.accepted, r.pushSeconds);
  const committed = rate(r.stages.committed, r.stages.commitSpanS);
  const projected = rate(r.stages.projected, r.stages.projectSpanS);
  // Every middleware process of the mall (one, or an API and a worker with BENCH_<side>_MW_SPLIT=1).
  const mw = r.cpuPush.filter((c) => c.name.startsWith('middleware')).reduce((n, c) => n + c.cores, 0);
  const pg = r.cpuPush.find((c) => c.name.startsWith('postgres'))?.cores ?? 0;
  const lost = r.pushed.accepted - r.ledger.credited;
  return `| ${label} | ${r.batch} | ${durationS} s | ${r.pushed.accepted} | **${f0(accepted)}** | **${f0(committed)}** | **${f0(projected)}** | ${f0(r.ackP50)} / ${f0(r.ackP99)} | ${f0(r.stages.projectP50Ms)} / ${f0(r.stages.projectP95Ms)} | ${lost} lost, ${r.ledger.doubled} doubled | ${mw.toFixed(2)} / ${pg.toFixed(2)} | ${r.load} |`;
}

async function main(): Promise<void> {
  const m = machine();
  const net = await devNetwork(log);
  try {
    log(`old code (${OLD_DIR}), ${OLD_S} s per batch size`);
    const old = await run(OLD_DIR, OLD_S, 'OLD');
    log(`new code (${ROOT}), ${NEW_S} s per batch size`);
    const now = await run(ROOT, NEW_S, 'NEW');
    const table = [
      '| code | batch | push time | accepted | accepted/s | committed VALID/s | projected/s | ack p50 / p99 (ms) | accept → projected p50 / p95 (ms) | exactly once (via Mall B) | cores while pushing: middleware / its Postgres | load at end |',
      '| ---- | ----- | --------- | -------- | ---------- | ----------------- | ----------- | ------------------ | --------------------------------- | ------------------------- | ---------------------------------------------- | ----------- |',
      ...old.map((r) => line(`old (${revision(OLD_DIR)}${settings('OLD')})`, OLD_S, r)),
      ...now.map((r) => line(`new (${revision(ROOT)}${settings('NEW')})`, NEW_S, r)),
    ].join('\n');
    const full = report(m, { durationS: NEW_S, tills: TILLS, members: MEMBERS, results: now });
    const [head, ...rest] = full.split('\n\n');
    const text = `${head ?? ''}

## Old and new in one run (\`npm run bench:pos:compare -w middleware\`)

The same bench, first with the old checkout (\`BENCH_OLD_DIR\`, at the revision named in the table), then with
this one, one after the other on the same dev network, each with its own middleware process and fresh database.

${table}

## This checkout (new code) in detail

${rest.join('\n\n')}`;
    writeFileSync(path.join(ROOT, 'docs', 'bench-pos.md'), text);
    process.stdout.write(`${table}\n`);
  } finally {
    await net.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
