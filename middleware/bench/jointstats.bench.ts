/**
 * Joint statistics on the real network: wall time, ledger bytes and private data bytes per round for 3 and 5 malls ×
 * 24 and 96 buckets, each with the blobs on the ledger (bulletin board) and in the recipients' implicit private data
 * collections, side by side in one run (docs/bench-joint-stats-network.md). A network of its own (port bases
 * 37600/37900, or MALLCHAIN_PORT_BASE and +500), Malls C, D, E admitted, each mall with its own Postgres and
 * participation job; the jobs of all malls are stepped in turn in this one process (as the middlewares' timers would,
 * without their poll intervals). Ledger bytes: the serialized blocks the round added. Private bytes: the blobs each
 * recipient's own peer returns (GetDealShare), and the growth of every peer's pvtdataStore on disk.
 * At the end, two soundness probes of private delivery on the same network: a dealer that leaves a recipient out of
 * the endorsement, and a recipient whose peer is down; neither deal may commit.
 *
 * Run: npm run bench:jointstats -w middleware (needs Postgres; starts and stops its own Fabric network).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import type { RoundProposal } from '../src/ledger/domain/jointstats.ledger';
import {
  type Mall,
  closeMalls,
  DAY,
  drive,
  figures,
  heightOf,
  ledgerBlocks,
  openMall,
  startDistrict,
} from '../test/e2e/support/district';
import { killNode } from '../test/e2e/support/own-network';
import { createDeal } from '../src/jointstats/vss';

const ALL = ['MallAMSP', 'MallBMSP', 'MallCMSP', 'MallDMSP', 'MallEMSP'];
const CONFIGS = [
  { n: 3, t: 2, buckets: 24 },
  { n: 3, t: 2, buckets: 96 },
  { n: 5, t: 3, buckets: 24 },
  { n: 5, t: 3, buckets: 96 },
] as const;
const KEY = randomBytes(32).toString('base64');

type Delivery = 'ledger' | 'private';

interface Row {
  delivery: Delivery;
  n: number;
  t: number;
  buckets: number;
  seconds: number;
  transactions: number;
  blocks: number;
  bytes: number;
  /** Blob bytes (with their keys) the recipients' own peers hold, read back through GetDealShare. */
  privateBytes: number;
  /** Growth of the peers' pvtdataStore directories on disk over the round. */
  pvtStoreBytes: number;
  exact: boolean;
}

/** Bytes of every file under the peers' `pvtdataStore` directories of the network home. */
function pvtStoreSize(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) total += name === 'pvtdataStore' ? dirSize(p) : pvtStoreSize(p);
  }
  return total;
}

function dirSize(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? dirSize(p) : st.size;
  }
  return total;
}

/** Blob bytes held privately for the round: each recipient reads each dealer's blob from its own peer. */
async function privateBytesOf(malls: readonly Mall[], roundId: string): Promise<number> {
  let total = 0;
  for (const dealer of malls) {
    const deal = await dealer.ledger.getDeal(roundId, dealer.msp);
    if (deal.shareHashes === undefined) continue;
    for (const m of malls) {
      if (m.msp === dealer.msp) continue;
      const blob = await m.ledger.dealShare(roundId, dealer.msp);
      total += Buffer.byteLength(blob) + Buffer.byteLength(`jsshare${roundId}${dealer.msp}`) + 3;
    }
  }
  return total;
}

function proposalOf(
  malls: readonly Mall[],
  roundId: string,
  cfg: { t: number; buckets: number },
  delivery: Delivery,
): RoundProposal {
  const proposal: RoundProposal = {
    roundId,
    metric: 'visitors',
    siteLevel: 'mall',
    periodStart: DAY,
    bucketMinutes: (24 * 60) / cfg.buckets,
    buckets: cfg.buckets,
    participants: malls.map((m) => m.msp),
    threshold: cfg.t,
    ...(delivery === 'private' ? { shareDelivery: 'private' as const } : {}),
    deadline: new Date(Date.now() + 30 * 60_000).toISOString(),
  };
  return proposal;
}

async function round(all: Mall[], cfg: (typeof CONFIGS)[number], tag: string, delivery: Delivery): Promise<Row> {
  const malls = all.slice(0, cfg.n);
  const roundId = `bench-${tag}-${delivery}-${cfg.n}x${cfg.buckets}`;
  const proposal = proposalOf(malls, roundId, cfg, delivery);
  const network = benchNetwork;
  const before = await heightOf(network);
  const pvtBefore = pvtStoreSize(network.settings.home);
  const log: string[] = [];
  const start = process.hrtime.bigint();
  for (const [i, m] of malls.entries()) await m.store.approve(roundId, i === 0 ? proposal : null);
  await drive(malls, roundId, log);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const pvtStoreBytes = pvtStoreSize(network.settings.home) - pvtBefore;
  const blocks = await ledgerBlocks(network, before);
  const view = await malls[0]?.ledger.round(roundId);
  const expected = Array.from({ length: cfg.buckets }, (_, b) => malls.reduce((a, m) => a + (m.input[b] ?? 0), 0));
  const writes = log.filter((l) => !l.includes('waiting') && !l.endsWith(': done')).length;
  return {
    delivery,
    ...cfg,
    seconds,
    transactions: writes,
    blocks: blocks.length,
    bytes: blocks.reduce((a, b) => a + b.length, 0),
    privateBytes: await privateBytesOf(malls, roundId),
    pvtStoreBytes,
    exact: JSON.stringify(view?.result?.totals) === JSON.stringify(expected),
  };
}

let benchNetwork: Awaited<ReturnType<typeof startDistrict>>;

/** Steps the malls (one write each at most) until every participant joined; nobody deals. */
async function joinOnly(malls: readonly Mall[], roundId: string): Promise<void> {
  const seen: string[] = [];
  for (let tick = 0; tick < 240; tick++) {
    for (const m of malls) {
      const view = await malls[0]?.ledger.round(roundId);
      if (view?.phase === 'dealing') return;
      const p = await m.store.get(roundId);
      seen.push(
        `${m.msp}: ${p ? `${p.state} → ${await m.participant.step(p)}` : 'no participation'} (${view?.phase ?? 'no round'})`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`round ${roundId}: the malls did not all join:\n${seen.slice(-9).join('\n')}`);
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]?.slice(0, 200) ?? '';
}

interface Probe {
  what: string;
  committed: boolean;
  error: string;
}

/** Mall A's private deal of a round in dealing; answers whether it committed and what the submit said. */
async function tryDeal(
  malls: readonly Mall[],
  roundId: string,
  what: string,
  endorsingOrganizations?: readonly string[],
): Promise<Probe> {
  const a = malls[0] as Mall;
  const view = await a.ledger.round(roundId);
  if (!view) throw new Error(`no round ${roundId}`);
  const keys = Object.fromEntries(view.joined.map((j) => [j.participant, j.publicKey]));
  const values = a.input.slice(0, view.round.buckets).map(BigInt);
  const { message } = createDeal(view.round, a.msp, values, keys);
  const opts = { maxAttempts: 1, ...(endorsingOrganizations ? { endorsingOrganizations } : {}) };
  const error = await a.ledger.dealPrivately({ roundId, ...message, absent: [] }, view.round.participants, opts).then(
    () => '',
    (e: unknown) => firstLine(e),
  );
  const after = await a.ledger.round(roundId);
  return { what, committed: after?.dealt.includes(a.msp) === true, error };
}

/**
 * Soundness of private delivery on the real network (round of A, B, C in a 5-mall channel, where MAJORITY of the
 * chaincode policy is 3 orgs): (1) Mall A asks only A, B and D to endorse, leaving recipient C out; the chaincode
 * policy is met, C's org Endorsement policy for the write to `_implicit_org_MallCMSP` is not, so every peer must mark
 * the transaction invalid. (2) Mall C's peer is killed; Mall A's honest deal asks A, B, C and cannot be endorsed.
 */
async function soundness(malls: readonly Mall[], tag: string): Promise<Probe[]> {
  const three = malls.slice(0, 3);
  const probes: Probe[] = [];
  const cfg = { t: 2, buckets: 24 };
  const r1 = `bench-${tag}-probe-skip`;
  for (const [i, m] of three.entries())
    await m.store.approve(r1, i === 0 ? proposalOf(three, r1, cfg, 'private') : null);
  await joinOnly(three, r1);
  probes.push(
    await tryDeal(three, r1, 'dealer leaves recipient Mall C out of the endorsement (A, B, D endorse)', [
      'MallAMSP',
      'MallBMSP',
      'MallDMSP',
    ]),
  );
  const r2 = `bench-${tag}-probe-down`;
  for (const [i, m] of three.entries())
    await m.store.approve(r2, i === 0 ? proposalOf(three, r2, cfg, 'private') : null);
  const lagStart = Date.now();
  await joinOnly(three, r2);
  const lag = (Date.now() - lagStart) / 1000;
  probes.push({
    what: "afterwards: seconds until Mall C's peer had committed the next round's proposal and joins",
    committed: false,
    error: `${lag.toFixed(1)} s (C's peer first tries to pull the private data it lacks for the invalid deal)`,
  });
  await killNode(benchNetwork, 'peer0.mall-c.example.com');
  probes.push(await tryDeal(three, r2, "recipient Mall C's peer is down (A, B, C asked to endorse)"));
  return probes;
}

function report(rows: readonly Row[], probes: readonly Probe[], load: [number, number]): string {
  const lines = rows.map(
    (r) =>
      `| ${r.delivery} | ${r.n} (${r.t}) | ${r.buckets} | ${r.seconds.toFixed(1)} | ${r.transactions} | ${r.blocks} | ${r.bytes.toLocaleString('en-US')} | ${r.privateBytes.toLocaleString('en-US')} | ${r.pvtStoreBytes.toLocaleString('en-US')} | ${r.exact ? 'yes' : '**no**'} |`,
  );
  const pairs = CONFIGS.map((c) => {
    const l = rows.find((r) => r.delivery === 'ledger' && r.n === c.n && r.buckets === c.buckets);
    const p = rows.find((r) => r.delivery === 'private' && r.n === c.n && r.buckets === c.buckets);
    if (!l || !p) return '';
    const pct = (x: number, y: number): string => `${(((y - x) / x) * 100).toFixed(0)} %`;
    return `| ${c.n} (${c.t}) | ${c.buckets} | ${pct(l.bytes, p.bytes)} | ${pct(l.seconds, p.seconds)} |`;
  }).filter(Boolean);
  const probeLines = probes.map(
    (p) => `| ${p.what} | ${p.committed ? '**yes**' : 'no'} | ${p.error.replace(/\|/g, '/') || '(none)'} |`,
  );
  return [
    '## Real network (3 and 5 malls), blobs on the ledger and in private data collections',
    '',
    `Generated by \`npm run bench:jointstats -w middleware\` (middleware/bench/jointstats.bench.ts) on ${new Date().toISOString().slice(0, 10)}:`,
    'a dev-profile network of its own (one Raft orderer, one peer per mall, CCaaS chaincode), Malls C, D and E',
    'admitted by a majority of admins, each mall with its own Postgres (a day of Huina traffic) and participation job',
    "signing as the mall's admin. All jobs run in the benchmark process and are stepped in turn without poll delays, so",
    'the time is that of the ledger and the jobs, not of a polling interval. One round per configuration and delivery,',
    'both deliveries in this one run, in turn on the same network.',
    '',
    `- Machine: ${cpus().length} CPU cores, Node ${process.version}; 1-minute load average ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after (other engineers' builds and tests share the cores).`,
    '- Delivery `ledger`: the blobs in the deal record on the channel (the bulletin board). `private`: the blobs as',
    "  transient data into each recipient's implicit collection `_implicit_org_<MSP>`, their SHA-256 in the deal record,",
    '  every participant asked to endorse the deal (docs/joint-stats.md, "Private delivery").',
    '- Transactions: proposal, n joins, n deals, partials, one finalize (the job may publish more than t partials).',
    '- Ledger bytes: the serialized blocks the round added (arguments, write sets, events, signatures, certificates),',
    "  as Mall A's peer delivers them (private writes appear there as key and value hashes only).",
    "- Private bytes: the blobs (and their keys) the recipients' own peers hold for the round, read back from each",
    "  recipient's peer (GetDealShare); pvtdataStore: growth on disk of all five peers' private data stores (LevelDB,",
    '  so compaction and log rotation blur it; it is what the disks really took).',
    '',
    '| delivery | malls (t) | buckets | seconds per round | transactions | blocks | ledger bytes | private bytes | pvtdataStore growth | totals exact |',
    '| -------- | --------- | ------- | ----------------- | ------------ | ------ | ------------ | ------------- | ------------------- | ------------ |',
    ...lines,
    '',
    'Private against ledger delivery, same configuration:',
    '',
    '| malls (t) | buckets | ledger bytes | seconds per round |',
    '| --------- | ------- | ------------ | ----------------- |',
    ...pairs,
    '',
    'Soundness of private delivery, probed on the same network after the rounds (a round of Malls A, B, C; the channel',
    'has five malls, so MAJORITY of the chaincode policy needs three endorsing orgs):',
    '',
    '| probe | deal committed | what the dealer got |',
    '| ----- | -------------- | ------------------- |',
    ...probeLines,
    '',
    'Reading the figures: a round is 2n + 2 + (partials) transactions, each its own block here (no other load; a lone',
    'transaction waits for the batch timeout), so time grows with n more than with the buckets; bytes grow with',
    'n(n − 1) blobs and n·buckets·t commitments, plus per block the signatures and certificates of the endorsements.',
    'Measured once each on a heavily loaded machine: expect the times to move by tens of percent between runs.',
    '',
  ].join('\n');
}

function portBases(): number[] {
  const base = Number(process.env.MALLCHAIN_PORT_BASE ?? '');
  return Number.isInteger(base) && base > 0 ? [base, base + 500] : [37600, 37900];
}

/** Opens the five malls with `buckets`-bucket figures and runs every configuration of that size in both deliveries. */
async function runBuckets(malls: Mall[], buckets: number, tag: string, rows: Row[], measure = true): Promise<void> {
  await closeMalls(malls.splice(0));
  for (const [i, msp] of ALL.entries()) {
    malls.push(await openMall(benchNetwork, msp, figures(i, buckets), KEY, (24 * 60) / buckets));
  }
  if (!measure) return;
  for (const cfg of CONFIGS.filter((c) => c.buckets === buckets)) {
    for (const delivery of ['ledger', 'private'] as const) {
      const row = await round(malls, cfg, tag, delivery);
      rows.push(row);
      process.stdout.write(`${JSON.stringify(row)}\n`);
    }
  }
}

/** Prints the report, writes it to docs/, and fails the run on an inexact total or a committed probe deal. */
function writeReport(rows: readonly Row[], probes: readonly Probe[], load: [number, number]): void {
  const text = report(rows, probes, load);
  process.stdout.write(text);
  const out = path.join(__dirname, '..', '..', 'docs', 'bench-joint-stats-network.md');
  writeFileSync(out, `# Joint statistics benchmark — real network\n\n${text}`);
  process.exitCode = rows.every((r) => r.exact) && probes.every((p) => !p.committed) ? 0 : 1;
}

async function main(): Promise<void> {
  const probesOnly = process.env.JOINTSTATS_BENCH_PROBES_ONLY === '1';
  const load0 = loadavg()[0] ?? 0;
  const progress: string[] = [];
  benchNetwork = await startDistrict(portBases(), ['C', 'D', 'E'], (m) => progress.push(m));
  const malls: Mall[] = [];
  try {
    const tag = randomBytes(2).toString('hex');
    const rows: Row[] = [];
    // JOINTSTATS_BENCH_PROBES_ONLY=1: only the soundness probes (no rounds, no report written).
    for (const buckets of probesOnly ? [] : [24, 96]) await runBuckets(malls, buckets, tag, rows);
    if (probesOnly) await runBuckets(malls, 24, tag, rows, false);
    const probes = await soundness(malls, tag).catch((e: unknown): Probe[] => [
      { what: 'the probes failed', committed: true, error: firstLine(e) },
    ]);
    for (const p of probes) process.stdout.write(`${JSON.stringify(p)}\n`);
    if (probesOnly) {
      process.exitCode = probes.every((p) => !p.committed) ? 0 : 1;
      return;
    }
    writeReport(rows, probes, [load0, loadavg()[0] ?? 0]);
  } finally {
    await closeMalls(malls);
    await benchNetwork.down(true);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
