/**
 * Ordering latency and throughput, Raft (dev profile, 1 orderer; ha, 3) against SmartBFT (bft, 4), side by side in
 * one run: each profile gets a network of its own (temporary home, free port base), the same load of `info:PutNote`
 * submits through mall A's gateway, and is purged before the next. A script, not a test: it prints the figures and
 * writes docs/bench-ordering.md. Run from test/: `npm run bench:ordering [-- --count 300 --concurrency 20]`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Network, Profile, networkSettings } from '../../fabric-network/src';
import { connectAsClient, loadDescription } from '../support/gateway';
import { freePortBase } from '../support/ports';

interface Figures {
  profile: Profile;
  orderers: number;
  count: number;
  seconds: number;
  tps: number;
  p50: number;
  p95: number;
  max: number;
}

function value(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1] ?? fallback) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Submit→commit of `count` notes, `concurrency` at a time, on a fresh network of `profile`. */
async function measure(profile: Profile, count: number, concurrency: number): Promise<Figures> {
  const home = mkdtempSync(join(tmpdir(), `mallchain-bench-${profile}-`));
  const network = new Network(
    networkSettings({ profile, home, portBase: await freePortBase([57000, 57300, 57600, 58000]) }),
    () => undefined,
  );
  try {
    await network.up();
    const d = loadDescription(home);
    const c = connectAsClient(d, 'MallAMSP');
    try {
      const contract = c.gateway.getNetwork(d.channel).getContract('mallchain', 'info');
      const latencies: number[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < count) {
          const id = `bench-${profile}-${String(next++)}`;
          const t0 = performance.now();
          const submitted = await contract.submitAsync('PutNote', { arguments: [JSON.stringify({ id, text: id })] });
          const status = await submitted.getStatus();
          if (!status.successful) throw new Error(`${id} committed with code ${String(status.code)}`);
          latencies.push(performance.now() - t0);
        }
      };
      const start = performance.now();
      await Promise.all(Array.from({ length: concurrency }, worker));
      const seconds = (performance.now() - start) / 1000;
      latencies.sort((a, b) => a - b);
      return {
        profile,
        orderers: d.orderers.length,
        count,
        seconds,
        tps: count / seconds,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        max: latencies[latencies.length - 1] ?? Number.NaN,
      };
    } finally {
      c.close();
    }
  } finally {
    await network.down(true);
  }
}

async function main(argv: string[]): Promise<void> {
  const count = value(argv, 'count', 300);
  const concurrency = value(argv, 'concurrency', 20);
  const load = loadavg().map((l) => l.toFixed(1));
  const rows: Figures[] = [];
  for (const profile of ['dev', 'ha', 'bft'] as const) {
    const f = await measure(profile, count, concurrency);
    console.log(JSON.stringify(f));
    rows.push(f);
  }
  const ms = (n: number): string => `${n.toFixed(0)} ms`;
  const table = rows
    .map(
      (r) =>
        `| ${r.profile} | ${String(r.orderers)} ${r.profile === 'bft' ? 'SmartBFT' : 'Raft'} | ${String(r.count)} | ${r.tps.toFixed(1)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} |`,
    )
    .join('\n');
  writeFileSync(
    join(__dirname, '..', '..', 'docs', 'bench-ordering.md'),
    `# Ordering: Raft against SmartBFT

Measured by \`npm run bench:ordering\` (test/bench/ordering.bench.ts) in one run on ${new Date().toISOString().slice(0, 10)}:
for each profile a fresh native network (Fabric 3.1.1, two malls, MAJORITY endorsement), ${String(count)} \`info:PutNote\`
transactions submitted through mall A's gateway, ${String(concurrency)} at a time; latency is submit → commit status.
Block cutting is the same for both (BatchTimeout / RequestBatchMaxInterval 250 ms, 500 transactions).
Machine: ${String(cpus().length)} cores, load average ${load.join(' / ')} at the start (other work shared the machine,
so compare the rows with each other rather than with other documents).

| profile | orderers | transactions | tx/s | p50 | p95 | max |
| --- | --- | --- | --- | --- | --- | --- |
${table}
`,
  );
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
