/**
 * Chaincode-side cost of a jointstats round, measured on the in-memory stub (no peer, no
 * network): CPU time of SubmitDeal / SubmitPartial / FinalizeRound as the contract runs them,
 * the middleware-side work of one mall (dealing; opening and checking its blobs and adding
 * them up), and the bytes a round puts on the ledger. Run: `npm run bench:jointstats`.
 * Writes a Markdown table to stdout (docs/bench-joint-stats.md holds a run).
 */
import { cpus, loadavg } from 'node:os';
import '../support/env';
import { encodePartial } from '../../src/jointstats/vss';
import { JointWorld, ROUND_ID, client, joinedWorld } from '../support/jointstats-fixture';

interface Sample {
  cpuMs: number;
  wallMs: number;
}

async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; sample: Sample }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { value, sample: { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - start } };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const fmt = (xs: number[]): string => `${median(xs).toFixed(0)} (max ${Math.max(...xs).toFixed(0)})`;

interface Row {
  n: number;
  t: number;
  buckets: number;
  deal: number[];
  dealMw: number[];
  openMw: number[];
  partial: number[];
  finalize: number[];
  argBytes: number;
  stateBytes: number;
  eventBytes: number;
}

const ARG_BYTES = new WeakMap<JointWorld, number>();

/** Counts the request bytes of every call (they are in the block as the proposal's arguments). */
function countArgs(w: JointWorld): void {
  const invoke = w.ledger.invoke.bind(w.ledger);
  ARG_BYTES.set(w, 0);
  w.ledger.invoke = (contract, fn, args, who) => {
    ARG_BYTES.set(w, (ARG_BYTES.get(w) ?? 0) + args.reduce((acc, a) => acc + Buffer.byteLength(a), fn.length));
    return invoke(contract, fn, args, who);
  };
}

async function round(n: number, t: number, buckets: number, row: Row): Promise<void> {
  // Requests are counted from the first deal on: the proposal and the joins are a few hundred bytes.
  const world = await joinedWorld({ n, t, buckets });
  countArgs(world);
  for (const [i, mall] of world.participants.entries()) {
    const values = Array.from({ length: buckets }, (_, b) => 100 + i * 7 + b);
    const built = await measure(() => world.dealRequest(mall, values));
    row.dealMw.push(built.sample.cpuMs);
    const { sample } = await measure(() => world.call('SubmitDeal', built.value, client(mall)));
    row.deal.push(sample.cpuMs);
  }
  for (const mall of world.participants) {
    const opened = await measure(() => world.partialValues(mall));
    row.openMw.push(opened.sample.cpuMs);
    const request = { roundId: ROUND_ID, values: encodePartial(opened.value) };
    const { sample } = await measure(() => world.call('SubmitPartial', request, client(mall)));
    row.partial.push(sample.cpuMs);
  }
  const fin = await measure(() => world.call('FinalizeRound', { roundId: ROUND_ID }, client('MallAMSP')));
  row.finalize.push(fin.sample.cpuMs);
  row.argBytes = ARG_BYTES.get(world) ?? 0;
  row.stateBytes = [...world.ledger.state.entries()].reduce((acc, [k, v]) => acc + Buffer.byteLength(k) + v.length, 0);
  row.eventBytes = world.ledger.events.reduce((acc, e) => acc + Buffer.byteLength(JSON.stringify(e.payload)), 0);
}

async function main(): Promise<void> {
  const configs: [number, number, number][] = [
    [3, 2, 24],
    [3, 2, 96],
    [5, 3, 24],
    [5, 3, 96],
  ];
  const runs = Number(process.env.BENCH_RUNS ?? 2);
  console.log(
    `Node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, load before ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log('');
  console.log(
    '| malls (t) | buckets | SubmitDeal | SubmitPartial | FinalizeRound | mw: deal | mw: open+sum | request bytes | state bytes | event bytes |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [n, t, buckets] of configs) {
    const row: Row = {
      n,
      t,
      buckets,
      deal: [],
      dealMw: [],
      openMw: [],
      partial: [],
      finalize: [],
      argBytes: 0,
      stateBytes: 0,
      eventBytes: 0,
    };
    for (let r = 0; r < runs; r++) await round(n, t, buckets, row);
    console.log(
      `| ${n} (${t}) | ${buckets} | ${fmt(row.deal)} | ${fmt(row.partial)} | ${fmt(row.finalize)} | ${fmt(row.dealMw)} | ${fmt(row.openMw)} | ${row.argBytes} | ${row.stateBytes} | ${row.eventBytes} |`,
    );
  }
  console.log('');
  console.log(`load after ${loadavg()[0]!.toFixed(2)}; CPU ms per call, median (max) over ${runs} round(s)`);
}

void main();
