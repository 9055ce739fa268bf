// Haide POS benchmark on the dev Fabric network: `npm run bench:pos` (root) or `npm run bench:pos -w middleware`.
// Simulated tills (the POS simulator's signing code) push receipts in batches of 20, then of 100, through one
// mall's middleware (its own process, real ledger driver, fresh Postgres database) for BENCH_DURATION_S seconds
// each, then wait until every accepted receipt is committed and projected. Figures: accepted/s, committed VALID/s,
// projected/s, the receipts credited on the ledger counted from chaincode events read through Mall B's peer
// (0 lost, 0 doubled), ack p50/p99, accept → committed / projected p50/p95, CPU per process from /proc.
//   BENCH_DURATION_S  seconds of pushing per batch size (default 300)
//   BENCH_TILLS       tills pushing at once, one request in flight each (default 8); BENCH_MEMBERS (default 20)
//   BENCH_BATCHES     batch sizes (default "20,100"); BENCH_NO_DOC=1 prints only
//   BENCH_RATE        receipts/s offered in all (paced tills: the ack at a given load, not at saturation); unset:
//                     each till sends its next request as soon as the last is answered
//   BENCH_MW_<NAME>   <NAME> in the middleware's environment (e.g. BENCH_MW_BATCH_SIZE=500); BENCH_MW_SPLIT=1 runs
//                     the mall as an API process (WORKERS_ENABLED=false) the tills push to and a worker process
//                     (docs/middleware.md, "Scaling out")
//   MALLCHAIN_HOME / MALLCHAIN_PORT_BASE  the dev network, reused when up, else started and stopped afterwards
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pushSales, receiptOf } from '../src/adapters/haide/simulator/pos-simulator';
import type { LedgerPort } from '../src/ledger/ledger.port';
import { openChecker, putNote } from '../test/e2e/support/ledger-check';
import { currentLoad, machine, sleep } from './bench-support';
import { cpuSnapshot, cpuSplit, ledgerCount, percentile, stages } from './pos-measure';
import { type PhaseResult, report } from './pos.report';
import { type PosMall, posMall } from './pos-setup';

const DURATION_MS = Number(process.env.BENCH_DURATION_S ?? '300') * 1000;
const TILLS = Number(process.env.BENCH_TILLS ?? '8');
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? '20');
const BATCHES = (process.env.BENCH_BATCHES ?? '20,100').split(',').map(Number);
const RATE = process.env.BENCH_RATE === undefined ? undefined : Number(process.env.BENCH_RATE);
const DRAIN_MS = 20 * 60_000;

interface Pushed {
  accepted: number;
  duplicates: number;
  rejected: number;
  failedRequests: number;
  acks: number[];
  /** Paced: requests sent more than one interval after their time (the middleware did not keep up). */
  late: number;
}

/** Waits for a paced request's time `at`; one more than an `interval` late is counted (and sent: tills catch up). */
async function paced(at: number, interval: number, out: Pushed): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await sleep(wait);
  else if (wait < -interval) out.late += 1;
}

/** Counts one answer of `/haide/v1/sales`. */
function tally(out: Pushed, answer: { status: number; body: { data?: unknown } }): void {
  if (answer.status >= 300) {
    out.failedRequests += 1;
    return;
  }
  for (const r of (answer.body.data as { receipts: { status: string }[] }).receipts) {
    if (r.status === 'accepted') out.accepted += 1;
    else if (r.status === 'duplicate') out.duplicates += 1;
    else out.rejected += 1;
  }
}

async function push(mall: PosMall, batch: number, tag: string, start: number, until: number): Promise<Pushed> {
  const out: Pushed = { accepted: 0, duplicates: 0, rejected: 0, failedRequests: 0, acks: [], late: 0 };
  // Paced: each till sends a request every `interval` ms, the tills spread evenly over it.
  const interval = RATE === undefined ? 0 : (batch * mall.tills.length * 1000) / RATE;
  const till = async (w: number): Promise<void> => {
    const posNo = mall.tills[w] ?? 'BT000';
    for (let n = 0; Date.now() < until; n++) {
      if (interval > 0) await paced(start + n * interval + (w * interval) / mall.tills.length, interval, out);
      if (Date.now() >= until) break;
      const receipts = Array.from({ length: batch }, (_, i) => {
        const k = n * batch + i;
        return receiptOf({
          posNo,
          flowNo: `${tag}-${w}-${k}`,
          fen: 1_000 + ((k * 7919) % 49_000),
          cardNo: mall.cards[(w + k) % mall.cards.length],
          ...(k % 2 === 0 ? { score: 10 + (k % 90) } : {}),
        });
      });
      const t0 = performance.now();
      const answer = await pushSales(mall.pos, { receipts });
      out.acks.push(performance.now() - t0);
      tally(out, answer);
    }
  };
  await Promise.all(mall.tills.map((_, w) => till(w)));
  return out;
}

/**
 * Until every receipt of the phase is committed and projected. The stage figures scan the phase's items, which
 * cost the mall's Postgres a third of a core when polled every second during a long drain (measured with
 * pg_stat_statements): first the outbox is polled (an index probe), then the figures, every 5 s.
 */
async function drained(mall: PosMall, tag: string): Promise<void> {
  const until = Date.now() + DRAIN_MS;
  for (;;) {
    const queued = await mall.pg.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM outbox) AS any');
    if (queued.rows[0]?.any !== true) {
      const s = await stages(mall.pg, mall.programId, tag);
      if (s.pending === 0 && s.projected === s.committed) return;
    }
    if (Date.now() > until) return;
    await sleep(queued.rows[0]?.any === true ? 1000 : 5000);
  }
}

async function phase(mall: PosMall, peerB: LedgerPort, batch: number): Promise<PhaseResult> {
  const tag = `B${batch}x${Date.now().toString(36)}`;
  const fence = await putNote(peerB, `bench-pos-start-${tag}`, 'start');
  const before = await cpuSnapshot(mall.nodes, mall.pg);
  const start = Date.now();
  const pushed = await push(mall, batch, tag, start, start + DURATION_MS);
  const pushSeconds = (Date.now() - start) / 1000;
  const atPushEnd = await cpuSnapshot(mall.nodes, mall.pg);
  await drained(mall, tag);
  const after = await cpuSnapshot(mall.nodes, mall.pg);
  const s = await stages(mall.pg, mall.programId, tag);
  const ledger = await ledgerCount(peerB, fence.blockNumber, tag);
  const acks = [...pushed.acks].sort((a, b) => a - b);
  const result: PhaseResult = {
    batch,
    ...(RATE === undefined ? {} : { paced: { offered: RATE, late: pushed.late } }),
    tag,
    pushSeconds,
    drainSeconds: (after.at - atPushEnd.at) / 1000,
    pushed: {
      accepted: pushed.accepted,
      duplicates: pushed.duplicates,
      rejected: pushed.rejected,
      failedRequests: pushed.failedRequests,
    },
    requests: acks.length,
    ackP50: percentile(acks, 0.5),
    ackP99: percentile(acks, 0.99),
    stages: s,
    ledger,
    cpuPush: cpuSplit(before, atPushEnd),
    cpuAll: cpuSplit(before, after),
    load: currentLoad(),
  };
  console.log(JSON.stringify(result));
  return result;
}

async function main(): Promise<void> {
  const m = machine();
  const log = (msg: string): void => {
    process.stderr.write(`[bench:pos] ${msg}\n`);
  };
  const mall = await posMall({ tills: TILLS, members: MEMBERS, log });
  let peerB: LedgerPort | undefined;
  try {
    peerB = await openChecker(mall.networkFile, 'MallBMSP');
    log(`mall ready on ${mall.app.base}: ${TILLS} tills, ${MEMBERS} members; ${DURATION_MS / 1000} s per batch size`);
    const results: PhaseResult[] = [];
    for (const batch of BATCHES) results.push(await phase(mall, peerB, batch));
    const text = report(m, { durationS: DURATION_MS / 1000, tills: TILLS, members: MEMBERS, results });
    if (process.env.BENCH_NO_DOC === '1') process.stdout.write(text);
    else writeFileSync(path.join(__dirname, '..', '..', 'docs', 'bench-pos.md'), text);
  } finally {
    peerB?.close();
    await mall.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
