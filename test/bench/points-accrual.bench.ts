/**
 * Endorsement and submit→commit time of `points:AccrueBatch` with 100 and 500 entries on the
 * dev network (issue 3). A script, not a test: it prints the figures and writes
 * docs/bench-points.md. Run from test/: `npm run bench:points` (the network must be up:
 * `node fabric-network/dist/cli/main.js up` from the repository root).
 */
import { Contract, Network } from '@hyperledger/fabric-gateway';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MALL_A, userOf } from '../support/chain-call';
import { ChainKey, newKey, uniqueSuffix } from '../support/chain-keys';
import { createDid } from '../support/chain-requests';
import { connectAsClient, loadDescription } from '../support/gateway';
import { Run, bySize, report } from './bench-stats';

interface Options {
  sizes: number[];
  reps: number;
  members: number;
  write: boolean;
}

function options(argv: string[]): Options {
  const value = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  return {
    sizes: value('sizes', '100,500').split(',').map(Number),
    reps: Number(value('reps', '7')),
    members: Number(value('members', '20')),
    write: !argv.includes('--no-write'),
  };
}

/** One AccrueBatch, timed phase by phase with the gateway's offline-capable API. */
async function timedBatch(contract: Contract, programId: string, members: string[], size: number): Promise<Run> {
  const run = uniqueSuffix();
  const items = Array.from({ length: size }, (_, i) => ({
    member: members[i % members.length],
    amount: 1 + (i % 50),
    sourceRef: `bench-${run}-${i}`,
  }));
  const request = JSON.stringify({ programId, items });
  const proposal = contract.newProposal('AccrueBatch', { arguments: [request] });
  const t0 = performance.now();
  const transaction = await proposal.endorse();
  const t1 = performance.now();
  const commit = await transaction.submit();
  const t2 = performance.now();
  const status = await commit.getStatus();
  const t3 = performance.now();
  if (!status.successful) throw new Error(`AccrueBatch ${size} committed with validation code ${status.code}`);
  const result = JSON.parse(new TextDecoder().decode(transaction.getResult())) as { results: { status: string }[] };
  if (result.results.filter((r) => r.status === 'accepted').length !== size) {
    throw new Error(`AccrueBatch ${size}: not every entry was accepted`);
  }
  return {
    size,
    endorseMs: t1 - t0,
    submitMs: t2 - t1,
    commitMs: t3 - t2,
    totalMs: t3 - t0,
    requestBytes: Buffer.byteLength(request),
    txBytes: transaction.getBytes().length,
    resultBytes: transaction.getResult().length,
    eventBytes: 0,
    txId: transaction.getTransactionId(),
    block: status.blockNumber,
  };
}

/** Size of the chaincode event a run's transaction emitted, read back from the committed block. */
async function eventBytes(network: Network, run: Run): Promise<number> {
  const events = await network.getChaincodeEvents('mallchain', { startBlock: run.block });
  try {
    for await (const event of events) {
      if (event.transactionId === run.txId) return event.payload.length;
      if (event.blockNumber > run.block) break;
    }
  } finally {
    events.close();
  }
  throw new Error(`no chaincode event for ${run.txId} in block ${run.block}`);
}

async function setUp(members: number): Promise<{ programId: string; dids: string[] }> {
  const d = loadDescription();
  const admin = userOf(d, MALL_A, 'admin');
  const client = userOf(d, MALL_A, 'client');
  try {
    const programId = `bench-${uniqueSuffix()}`;
    await admin.submit('points:RegisterProgram', {
      programId,
      name: 'Benchmark program',
      unitValueFen: 1,
      expiryMonths: 12,
      returnWindowDays: 0,
    });
    const keys: ChainKey[] = Array.from({ length: members }, () => newKey('ES256'));
    await Promise.all(keys.map((k) => client.submit('dids:CreateDid', createDid(d.channel, k))));
    return { programId, dids: keys.map((k) => k.did) };
  } finally {
    admin.close();
    client.close();
  }
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const loadBefore = loadavg()[0] ?? 0;
  const d = loadDescription();
  const { programId, dids } = await setUp(opts.members);
  const conn = connectAsClient(d, MALL_A);
  const network = conn.gateway.getNetwork(d.channel);
  const contract = network.getContract('mallchain', 'points');
  const runs: Run[] = [];
  try {
    for (const size of opts.sizes) {
      await timedBatch(contract, programId, dids, size); // warm-up, not measured
      for (let i = 0; i < opts.reps; i++) {
        const r = await timedBatch(contract, programId, dids, size);
        console.log(
          `AccrueBatch ${size}: endorse ${r.endorseMs.toFixed(0)} ms, submit ${r.submitMs.toFixed(0)} ms, commit ${r.commitMs.toFixed(0)} ms (block ${r.block})`,
        );
        runs.push(r);
      }
      const first = runs.find((r) => r.size === size);
      if (first) first.eventBytes = await eventBytes(network, first);
    }
  } finally {
    conn.close();
  }
  const results = bySize(runs);
  for (const r of results) {
    console.log(
      `${r.size} entries: endorse p50 ${r.endorse.p50.toFixed(0)} / p95 ${r.endorse.p95.toFixed(0)} / max ${r.endorse.max.toFixed(0)} ms; ` +
        `total p50 ${r.total.p50.toFixed(0)} / p95 ${r.total.p95.toFixed(0)} / max ${r.total.max.toFixed(0)} ms; ` +
        `${((r.size / r.total.p50) * 1000).toFixed(0)} entries/s`,
    );
  }
  if (!opts.write) return;
  const cpu = cpus();
  const text = report(
    {
      date: new Date().toISOString().slice(0, 10),
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      node: process.version,
      fabricVersion: d.fabricVersion,
      chaincode: `${d.chaincode?.name ?? 'mallchain'} ${d.chaincode?.version ?? '?'} (sequence ${d.chaincode?.sequence ?? '?'})`,
      members: opts.members,
      reps: opts.reps,
      loadBefore,
      loadAfter: loadavg()[0] ?? 0,
    },
    results,
    'npm run bench:points -w test',
  );
  const out = join(__dirname, '..', '..', 'docs', 'bench-points.md');
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
