// Stages of the projection benchmark (see projection.bench.ts). The application runs in this
// process (no HTTP involved): the projection listener with the fake ledger or the real one.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { createApp } from '../src/app/create-app';
import { loadConfig } from '../src/config/load-config';
import { createLedger } from '../src/ledger/ledger.factory';
import { LEDGER, type LedgerEvent, type LedgerPort } from '../src/ledger/ledger.port';
import { ProjectionService } from '../src/projection/projection.service';
import { FakeLedger } from '../test/support/fake-ledger';
import { testEnv } from '../test/support/test-app';
import { createTestDatabase } from '../test/support/test-db';
import { sleep } from './bench-support';

export interface Bench {
  readonly ledger: LedgerPort;
  readonly fake: FakeLedger | undefined;
  readonly projection: ProjectionService;
  readonly pg: Client;
  close(): Promise<void>;
}

export interface CatchUp {
  readonly what: string;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

export interface Lag {
  readonly targetRate: number;
  readonly txs: number;
  readonly achievedRate: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly maxMs: number;
}

export async function openBench(real: boolean): Promise<Bench> {
  const db = await createTestDatabase();
  const networkFile =
    process.env.LEDGER_NETWORK_FILE ?? path.resolve(__dirname, '..', '..', '.mallchain', 'dev', 'network.json');
  const fake = real ? undefined : new FakeLedger();
  const ledger: LedgerPort =
    fake ??
    (await createLedger({
      driver: 'gateway',
      networkFile,
      mspId: 'MallAMSP',
      channel: 'mallchannel',
      chaincode: 'mallchain',
    }));
  const config = loadConfig(testEnv(db.url, { LOG_LEVEL: 'warn' }));
  const app: NestFastifyApplication = await createApp(config, { provide: LEDGER, useValue: ledger });
  await app.init();
  const projection = app.get(ProjectionService);
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  return {
    ledger,
    fake,
    projection,
    pg,
    close: async () => {
      await pg.end();
      await app.close();
      ledger.close();
      await db.drop();
    },
  };
}

async function submitNote(ledger: LedgerPort, id: string): Promise<{ txId: string }> {
  return ledger.submit('info:PutNote', [JSON.stringify({ id, text: 'receipt 128.50 till 7' })]);
}

async function waitForCheckpoint(b: Bench, txId: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await b.projection.checkpoint())?.txId !== txId) {
    if (Date.now() > until) throw new Error(`projection did not reach ${txId} in ${timeoutMs} ms`);
    await sleep(5);
  }
}

async function count(b: Bench): Promise<number> {
  const r = await b.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE type = 'ledger.changes'`);
  return r.rows[0]?.n ?? 0;
}

/**
 * Catch-up speed: with the listener stopped, `n` new transactions (plus, on a real ledger, whatever
 * the channel already holds: the first run replays from block 0), then the listener starts and is
 * timed until its checkpoint reaches the newest transaction.
 */
export async function catchUp(b: Bench, n: number, what: string): Promise<CatchUp> {
  await b.projection.stop();
  const before = await count(b);
  const tag = randomBytes(4).toString('hex');
  // 50 at a time: a real ledger commits a block per batch of concurrent transactions, not one per round trip.
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => submitNote(b.ledger, `c-${tag}-${i + k}`)));
  }
  const last = b.fake ? b.fake.txs.at(-1)?.txId : (await submitNote(b.ledger, `c-${tag}-last`)).txId;
  const t0 = performance.now();
  b.projection.start();
  await waitForCheckpoint(b, last ?? '', 600_000);
  const seconds = (performance.now() - t0) / 1000;
  const events = (await count(b)) - before;
  return { what, events, seconds: round(seconds), eventsPerSecond: Math.round(events / seconds) };
}

/** The old way for comparison: the same projector, one transaction per event. */
export async function perEventBaseline(b: Bench, n: number): Promise<CatchUp> {
  if (!b.fake) throw new Error('the per-event baseline needs the fake ledger');
  await b.projection.stop();
  const from = b.fake.height + 1n;
  for (let i = 0; i < n; i++) await submitNote(b.ledger, `one-${i}`);
  const events: LedgerEvent[] = [];
  const abort = new AbortController();
  const last = b.fake.txs.at(-1)?.txId;
  await b.fake.chaincodeEvents(
    from,
    (e) => {
      events.push(e);
      if (e.txId === last) abort.abort();
      return Promise.resolve();
    },
    abort.signal,
  );
  const t0 = performance.now();
  for (const e of events) await b.projection.projector.apply(e);
  const seconds = (performance.now() - t0) / 1000;
  b.projection.start();
  return {
    what: `${n} transactions, one read-model transaction per event (before this change)`,
    events: events.length,
    seconds: round(seconds),
    eventsPerSecond: Math.round(events.length / seconds),
  };
}

/**
 * Commit→cache lag with the listener running: `n` PutNote transactions at `rate` per second; for each,
 * the time from its submit resolving (the ledger reported it committed) to its row in `notes` being
 * visible to another Postgres connection (polled every 2 ms).
 */
export async function lagRun(b: Bench, rate: number, n: number): Promise<Lag> {
  const committedAt = new Map<string, number>();
  const lags: number[] = [];
  const tag = randomBytes(4).toString('hex');
  const state = { done: false };
  const poller = (async (): Promise<void> => {
    while (!state.done || committedAt.size > 0) {
      if (committedAt.size > 0) {
        const r = await b.pg.query<{ tx_id: string }>('SELECT tx_id FROM notes WHERE tx_id = ANY($1::text[])', [
          [...committedAt.keys()],
        ]);
        const now = performance.now();
        for (const { tx_id } of r.rows) {
          const t = committedAt.get(tx_id);
          if (t !== undefined) lags.push(now - t);
          committedAt.delete(tx_id);
        }
      }
      await sleep(2);
    }
  })();
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inflight.push(
      submitNote(b.ledger, `lag-${tag}-${i}`).then((r) => {
        committedAt.set(r.txId, performance.now());
      }),
    );
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - t0) / 1000;
  state.done = true;
  await poller;
  lags.sort((x, y) => x - y);
  const pct = (p: number): number => round(lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] ?? 0);
  return {
    targetRate: rate,
    txs: n,
    achievedRate: Math.round(n / seconds),
    p50ms: pct(50),
    p99ms: pct(99),
    maxMs: round(lags.at(-1) ?? 0),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
