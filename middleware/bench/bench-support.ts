// Shared pieces of the benchmarks: the middleware and the load generator as child processes,
// a throw-away database with an admin key, and the machine description for the reports.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { hashKey } from '../src/auth/api-keys.service';
import { testEnv } from '../test/support/test-app';
import { createTestDatabase } from '../test/support/test-db';
import type { LoadResult, LoadSpec } from './load-gen';

const REGISTER = path.join(__dirname, '..', 'test', 'support', 'ts-register.js');
export const BENCH_KEY = 'mck_bench_key_0123456789abcdef';

export interface BenchApp {
  readonly port: number;
  readonly proc: ChildProcess;
  /** Sends a line to the app (profiling commands) and waits for its `PROFILED` answer. */
  command(line: string): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchDb {
  readonly url: string;
  readonly pg: Client;
  drop(): Promise<void>;
}

/** A fresh database (migrated by the app at start) and a client on it. */
export async function benchDatabase(): Promise<BenchDb> {
  const db = await createTestDatabase();
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  return {
    url: db.url,
    pg,
    drop: async () => {
      await pg.end();
      await db.drop();
    },
  };
}

export async function insertAdminKey(pg: Client): Promise<void> {
  await pg.query(
    `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes) VALUES ('MallAMSP', 'bench', 'x', $1, '{notes:write,notes:read}')`,
    [hashKey(BENCH_KEY)],
  );
}

/** The middleware (bench/bench-app.ts) in its own process, listening on a free port of 127.0.0.1. */
/** `benchDir`: the `bench/` folder of the code to run (another checkout's, to compare old and new code). */
export function startBenchApp(
  databaseUrl: string,
  env: Record<string, string>,
  benchDir: string = __dirname,
): Promise<BenchApp> {
  const proc = spawn(process.execPath, ['-r', REGISTER, path.join(benchDir, 'bench-app.ts')], {
    env: { ...process.env, ...testEnv(databaseUrl), LOG_LEVEL: 'warn', ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`bench app did not start: ${err}`));
    }, 60_000);
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      for (const _ of out.match(/PROFILED\n/g) ?? []) waiters.shift()?.();
      out = out.replace(/PROFILED\n/g, '');
      const m = /LISTENING (\d+)/.exec(out);
      if (!m) return;
      out = out.replace(m[0], '');
      clearTimeout(timer);
      resolve({
        port: Number(m[1]),
        proc,
        command: (line) =>
          new Promise<void>((done) => {
            waiters.push(done);
            proc.stdin.write(`${line}\n`);
          }),
        stop: () =>
          new Promise<void>((done) => {
            if (proc.exitCode !== null || proc.signalCode !== null) done();
            else {
              proc.once('exit', () => {
                done();
              });
              proc.kill('SIGKILL');
            }
          }),
      });
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench app exited with ${String(code)}: ${err}`));
    });
  });
}

/** Runs bench/load-gen.ts in its own process and returns its figures. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', REGISTER, path.join(__dirname, 'load-gen.ts'), JSON.stringify(spec)],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as LoadResult;
}

export interface Machine {
  readonly date: string;
  readonly cores: number;
  readonly cpu: string;
  readonly node: string;
  readonly loadAtStart: string;
}

export function machine(): Machine {
  return {
    date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    loadAtStart: loadavg()
      .map((x) => x.toFixed(2))
      .join(' / '),
  };
}

export function currentLoad(): string {
  return loadavg()[0]?.toFixed(2) ?? '?';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** CPU time (user + system, ms) a process used so far, from /proc; 0 when it is gone. */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU time (ms) so far of each Postgres backend serving the bench database (the app's pool connections). */
export async function postgresCpu(pg: Client): Promise<Map<number, number>> {
  const r = await pg.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  return new Map(r.rows.map((row) => [row.pid, processCpuMs(row.pid)]));
}

/** CPU (ms) the backends used between two snapshots; a backend that closed meanwhile is not counted. */
export function postgresCpuDelta(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}
