// The mall the POS benchmark pushes to: one middleware (real ledger driver) in its own process on a fresh
// database, with a program, a merchant, tills, an earn rule, members with custodial DIDs and a Haide appId.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { Network } from '../../fabric-network/src/network';
import { settingsFromEnv } from '../../fabric-network/src/settings';
import type { PosIdentity } from '../src/adapters/haide/simulator/pos-simulator';
import { hashKey } from '../src/auth/api-keys.service';
import { call, committedItem } from '../test/e2e/support/http';
import { realEnv } from '../test/e2e/support/real-env';
import { startRealChild } from '../test/e2e/support/real-app';
import type { ChildApp } from '../test/support/child-app';
import { NETWORK_FILE } from '../test/ledger/network';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const KEY = `mck_benchpos_${randomBytes(12).toString('hex')}`;

export interface PosMall {
  readonly networkFile: string;
  readonly app: ChildApp;
  readonly pg: Client;
  readonly pos: PosIdentity;
  readonly programId: string;
  readonly tills: readonly string[];
  readonly cards: readonly string[];
  /** pid of every node of the network (orderer, peers, chaincode servers), from its pid files. */
  readonly nodes: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The dev network of MALLCHAIN_HOME / MALLCHAIN_PORT_BASE: reused when up, else started (and stopped after). */
export async function devNetwork(log: (m: string) => void): Promise<{ file: string; stop(): Promise<void> }> {
  // Up = its description is there and its nodes run (a stopped network leaves network.json behind).
  if (existsSync(NETWORK_FILE) && [...nodePids(NETWORK_FILE).values()].some(alive))
    return { file: NETWORK_FILE, stop: () => Promise.resolve() };
  const network = new Network(settingsFromEnv(), log);
  await network.up();
  return {
    file: NETWORK_FILE,
    stop: async () => {
      await network.down(false);
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function nodePids(networkFile: string): Map<string, number> {
  const run = path.join(path.dirname(networkFile), 'run');
  const out = new Map<string, number>();
  for (const f of existsSync(run) ? readdirSync(run) : [])
    if (f.endsWith('.pid')) out.set(f.slice(0, -4), Number(readFileSync(path.join(run, f), 'utf8').trim()));
  return out;
}

async function ok(base: string, method: 'POST' | 'PUT', p: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await call(base, KEY, method, p, body);
  if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function committed(base: string, p: string, body: unknown): Promise<void> {
  const r = await ok(base, 'POST', p, body);
  const item = await committedItem(base, KEY, String(r.trackingId), 5 * 60_000);
  if (item.status !== 'committed') throw new Error(`${p}: ${JSON.stringify(item)}`);
}

async function members(base: string, count: number, tag: string): Promise<string[]> {
  const cards: string[] = [];
  for (let i = 0; i < count; i++) {
    const did = await ok(base, 'POST', '/v1/custodial-dids', {});
    const card = `BC${tag}${String(i).padStart(4, '0')}`;
    await ok(base, 'POST', '/v1/points/members', { did: did.did, cardNos: [card] });
    await committedItem(base, KEY, String(did.trackingId), 5 * 60_000);
    cards.push(card);
  }
  return cards;
}

/**
 * The mall's middleware processes on `env`, as the bench's BENCH_MW_* settings ask:
 * - BENCH_MW_SPLIT=1: the deployment of docs/middleware.md "Scaling out" — a worker process (batcher, projection,
 *   webhooks, jobs) started first (it runs the migrations), and an API process with WORKERS_ENABLED=false that the
 *   tills push to. Without it one process does both, as `npm run system:up` starts it.
 * - BENCH_MW_PRIORITY=n: their scheduling priority (os.setPriority; below 0 needs root). On this shared machine the
 *   tills, Fabric and Postgres compete with the middleware for two cores; a negative value shows what the
 *   middleware does when it has a host of its own.
 * - BENCH_MW_LOG_DIR=dir: each process's stderr (its warnings) is kept there as middleware-<pid>.log on stop.
 */
async function middleware(
  env: Record<string, string>,
): Promise<{ app: ChildApp; worker: ChildApp | undefined; stop(): Promise<void> }> {
  const { SPLIT: split, PRIORITY: priority, LOG_DIR: logDir, ...rest } = env;
  const worker = split === '1' ? await startRealChild({ ...rest, WORKERS_ENABLED: 'true' }, 120_000) : undefined;
  const app = await startRealChild(
    worker ? { ...rest, WORKERS_ENABLED: 'false', MIGRATIONS_RUN: 'false' } : rest,
    120_000,
  );
  const children = worker ? [app, worker] : [app];
  if (priority !== undefined)
    for (const child of children) if (child.proc.pid !== undefined) setPriority(child.proc.pid, Number(priority));
  return {
    app,
    worker,
    stop: async () => {
      for (const child of children) {
        if (logDir !== undefined)
          writeFileSync(path.join(logDir, `middleware-${child.proc.pid ?? 0}.log`), child.stderr());
        child.proc.kill('SIGTERM');
        await Promise.race([child.exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
      }
    },
  };
}

/** Starts Mall A's middleware on the dev network and registers everything the simulated tills need. */
export async function posMall(opts: { tills: number; members: number; log: (m: string) => void }): Promise<PosMall> {
  const net = await devNetwork(opts.log);
  const db = `pos_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${db}`);
  const url = `postgres://postgres@127.0.0.1:5432/${db}`;
  const env = realEnv(net.file, url, {
    mspId: 'MallAMSP',
    extra: {
      LEDGER_USER: 'admin',
      PARTNER_SECRET_KEY: randomBytes(32).toString('base64'),
      MEMBER_DATA_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      BATCH_WAIT_MS: '200',
      // BENCH_MW_<NAME>=v sets <NAME>=v in the middleware's environment (e.g. BENCH_MW_BATCH_SIZE=500).
      ...Object.fromEntries(
        Object.entries(process.env).flatMap(([k, v]) =>
          k.startsWith('BENCH_MW_') && v !== undefined ? [[k.slice('BENCH_MW_'.length), v]] : [],
        ),
      ),
    },
  });
  const mw = await middleware(env);
  const { app, worker } = mw;
  const pg = new Client({ connectionString: url });
  await pg.connect();
  const close = async (): Promise<void> => {
    await mw.stop();
    await pg.end();
    await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await net.stop();
  };
  try {
    await pg.query(
      `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes)
       VALUES ('MallAMSP', 'bench-pos', 'bench', $1, '{points:write,points:read,keys:admin,intake:read,consortium:admin}')`,
      [hashKey(KEY)],
    );
    const tag = Date.now().toString(36);
    const programId = `bench-${tag}`;
    const merchantId = `bench-store-${tag}`;
    await committed(app.base, '/v1/points/programs', {
      programId,
      name: 'Bench rewards',
      unitValueFen: 10,
      expiryMonths: 12,
      returnWindowDays: 0,
    });
    await committed(app.base, '/v1/points/merchants', { merchantId, name: 'Bench', category: 'retail', programId });
    await ok(app.base, 'PUT', `/v1/points/earn-rules/${programId}`, {
      pointsPerYuan: '1',
      rounding: 'floor',
      categoryMultipliers: {},
      excludedPayCls: ['points', 'coupon'],
    });
    const tills = Array.from({ length: opts.tills }, (_, i) => `BT${String(i).padStart(3, '0')}`);
    for (const posNo of tills)
      await ok(app.base, 'PUT', `/v1/points/tills/BENCH/${posNo}`, {
        merchantId,
        tenant: 'Bench',
        programId,
        category: 'retail',
      });
    const cards = await members(app.base, opts.members, tag);
    const partner = await ok(app.base, 'POST', '/v1/admin/partners', { kind: 'haide', orgCode: 'BENCH', name: 'b' });
    const pos = { url: app.base, appId: String(partner.appId), secret: String(partner.secret), orgCode: 'BENCH' };
    const nodes = nodePids(net.file);
    if (app.proc.pid !== undefined) nodes.set(worker ? 'middleware API (Mall A)' : 'middleware (Mall A)', app.proc.pid);
    if (worker?.proc.pid !== undefined) nodes.set('middleware worker (Mall A)', worker.proc.pid);
    return { networkFile: net.file, app, pg, pos, programId, tills, cards, nodes, close };
  } catch (e) {
    await close();
    throw e;
  }
}
