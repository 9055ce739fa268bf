// Huina traffic benchmark on the dev Fabric network and real Postgres: `npm run bench:traffic -w middleware`.
//   1. records accepted per second: signed pushes of 1,000 records (no proof) from BENCH_WORKERS clients;
//   2. attestations anchored per second: proven pushes from BENCH_DEVICES counters (one push in flight per
//      counter, as a counter sends its seq in order), each relayed through the intake to devices:SubmitAttestations, until every one is settled; run
//      twice in one process on the same network and database: "before" = every proof checked on the peer
//      (DEVICE_KEYS_SOURCE=ledger) for BENCH_OLD_DURATION_S, then "after" = proofs checked against the device cache
//      (DEVICE_KEYS_SOURCE=cache) for BENCH_DURATION_S. Each phase reports where the time went: outbox
//      claims, SubmitAttestations endorsement and commit, calls in flight, CPU per process.
// Afterwards: buckets stored = records accepted, attestations committed = accepted (none lost), or it says so.
//   BENCH_DURATION_S   seconds per attestation phase (default 60; the issue's figure is 300); BENCH_OLD_DURATION_S
//   (default: same); BENCH_RECORDS_S the records phase (default: BENCH_DURATION_S)
//   BENCH_WORKERS      concurrent clients in phase 1 (default 4); BENCH_DEVICES counters in phase 2 (default 48)
//   LEDGER_NETWORK_FILE  the dev network (default ../.mallchain/dev/network.json); BENCH_NO_DOC=1 print only
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createApp } from '../src/app/create-app';
import { realLedgerProvider } from '../src/app/ledger.provider';
import { ApiKeysService } from '../src/auth/api-keys.service';
import type { INestApplication } from '@nestjs/common';
import { AppConfig } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { CounterIdentity, caHeaders, provenPush } from '../src/devices/simulators/counter';
import { formatShanghai } from '../src/huina/shanghai-time';
import { PartnerCredentialsService } from '../src/partners/partner-credentials.service';
import { realEnv } from '../test/e2e/support/real-env';
import { benchDatabase, currentLoad, machine, sleep } from './bench-support';
import { cpuSnapshot, cpuSplit } from './pos-measure';
import { nodePids } from './pos-setup';
import { PathProbe, type PathFigures } from './traffic-measure';

const DURATION_MS = Number(process.env.BENCH_DURATION_S ?? '60') * 1000;
const OLD_DURATION_MS = Number(process.env.BENCH_OLD_DURATION_S ?? String(DURATION_MS / 1000)) * 1000;
const RECORDS_MS = Number(process.env.BENCH_RECORDS_S ?? String(DURATION_MS / 1000)) * 1000;
const WORKERS = Number(process.env.BENCH_WORKERS ?? '4');
const DEVICES = Number(process.env.BENCH_DEVICES ?? '48');
const NETWORK =
  process.env.LEDGER_NETWORK_FILE ?? path.join(__dirname, '..', '..', '.mallchain', 'dev', 'network.json');
const STEP = 900_000;

interface Ctx {
  base: string;
  appId: string;
  secret: Buffer;
  devicesKey: string;
  intakeKey: string;
}

async function post(
  ctx: Ctx,
  body: object,
): Promise<{ status: number; data: { attestation?: { trackingId: string } } }> {
  const text = JSON.stringify(body);
  const res = await fetch(`${ctx.base}/huina/v1/traffic`, {
    method: 'POST',
    headers: caHeaders(ctx.appId, ctx.secret, 'POST', '/huina/v1/traffic', text),
    body: text,
  });
  const json = (await res.json()) as { data: { attestation?: { trackingId: string } } };
  return { status: res.status, data: json.data };
}

/** 50 sites × 20 buckets a push, each worker marching back in time: every record is a new bucket. */
async function recordsPhase(ctx: Ctx): Promise<{ records: number; seconds: number; failed: number }> {
  const until = Date.now() + RECORDS_MS;
  const start = Date.now();
  const top = Math.floor(Date.now() / STEP) * STEP - 2 * STEP;
  let records = 0;
  let failed = 0;
  const worker = async (w: number): Promise<void> => {
    for (let push = 0; Date.now() < until; push++) {
      const recs: object[] = [];
      for (let b = 0; b < 20; b++) {
        const t = top - (push * 20 + b) * STEP;
        for (let s = 0; s < 50; s++)
          recs.push({
            siteKey: `R${w}-${s}`,
            siteName: `bench ${w}-${s}`,
            siteType: 700,
            dataTime: formatShanghai(t),
            interval: '15',
            inNum: s + b,
            outNum: s,
            modifyTime: formatShanghai(t + STEP),
          });
      }
      const r = await post(ctx, { customerId: 'BENCH', records: recs });
      if (r.status === 200) records += recs.length;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  return { records, seconds: (Date.now() - start) / 1000, failed };
}

async function register(ctx: Ctx, id: CounterIdentity, channel: string, chaincode: string): Promise<string> {
  const res = await fetch(`${ctx.base}/v1/devices`, {
    method: 'POST',
    headers: { 'x-api-key': ctx.devicesKey, 'content-type': 'application/json' },
    body: JSON.stringify(id.registration(channel, chaincode, 'MallAMSP', 'Bench mall')),
  });
  return ((await res.json()) as { trackingId: string }).trackingId;
}

async function status(ctx: Ctx, trackingId: string): Promise<{ status: string; updatedAt?: string }> {
  const res = await fetch(`${ctx.base}/v1/intake/${trackingId}`, { headers: { 'x-api-key': ctx.intakeKey } });
  return (await res.json()) as { status: string; updatedAt?: string };
}

/** Intake states of `ids`, counted in the bench's database, once none is pending (or on timeout). */
async function settledInDb(db: Db, ids: readonly string[], timeoutMs: number): Promise<Map<string, number>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.pg.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM intake_items WHERE tracking_id = ANY($1::uuid[]) GROUP BY status',
      [ids],
    );
    const counts = new Map(rows.rows.map((r) => [r.status, Number(r.n)]));
    if ((counts.get('pending') ?? 0) === 0 || Date.now() > until) return counts;
    await sleep(500);
  }
}

async function settled(ctx: Ctx, ids: readonly string[], timeoutMs: number): Promise<Map<string, number>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const counts = new Map<string, number>();
    for (const id of ids) {
      const s = (await status(ctx, id)).status;
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    if ((counts.get('pending') ?? 0) === 0 || Date.now() > until) return counts;
    await sleep(1000);
  }
}

/** One proven push in flight per counter: one record of the open bucket, measured now. */
interface AttPhase {
  accepted: string[];
  acceptSeconds: number;
  anchorSeconds: number;
  counts: Map<string, number>;
  calls: number;
}

async function attestationPhase(
  ctx: Ctx,
  db: Db,
  ids: readonly CounterIdentity[],
  channel: string,
  durationMs: number,
): Promise<AttPhase> {
  const txsBefore = await attestationTxs(db);
  const until = Date.now() + durationMs;
  const start = Date.now();
  const accepted: string[] = [];
  const device = async (id: CounterIdentity, d: number): Promise<void> => {
    while (Date.now() < until) {
      const now = Date.now();
      const rec = {
        siteKey: `A${d}`,
        siteName: `proven ${d}`,
        siteType: 700,
        dataTime: formatShanghai(Math.floor(now / STEP) * STEP),
        interval: '15',
        inNum: accepted.length % 1000,
        outNum: 0,
        modifyTime: formatShanghai(now),
      };
      const r = await post(ctx, provenPush(id, 'BENCH', [rec], channel, id.nextSeq()));
      if (r.status === 200 && r.data.attestation) accepted.push(r.data.attestation.trackingId);
    }
  };
  await Promise.all(ids.map((id, d) => device(id, d)));
  const acceptSeconds = (Date.now() - start) / 1000;
  const counts = await settledInDb(db, accepted, 10 * 60_000);
  const anchorSeconds = (Date.now() - start) / 1000;
  return { accepted, acceptSeconds, anchorSeconds, counts, calls: (await attestationTxs(db)) - txsBefore };
}

/** Distinct transactions that committed attestations so far. */
async function attestationTxs(db: Db): Promise<number> {
  const r = await db.pg.query<{ n: string }>(
    `SELECT count(DISTINCT tx_id) AS n FROM intake_items WHERE kind = 'device-attestation' AND status = 'committed'`,
  );
  return Number(r.rows[0]?.n ?? 0);
}

type Db = Awaited<ReturnType<typeof benchDatabase>>;

/** The two configurations compared: proofs checked on the peer, and against the device cache. */
interface Mode {
  readonly mode: 'before' | 'after';
  readonly what: string;
  readonly ms: number;
  apply(): void;
}

/**
 * One configuration: where the intake checks a counter's proof (`DEVICE_KEYS_SOURCE`). The outbox is the same in
 * both: the packing by device measured against it once was reverted (docs/bench-traffic.md), so there is no other
 * outbox to emulate.
 */
function mode(
  app: INestApplication,
  name: Mode['mode'],
  keys: AppConfig['deviceKeysSource'],
  what: string,
  ms: number,
): Mode {
  const config = app.get(AppConfig);
  return {
    mode: name,
    what: `${what} (\`DEVICE_KEYS_SOURCE=${keys}\`)`,
    ms,
    apply: () => {
      config.deviceKeysSource = keys;
    },
  };
}

function modes(app: INestApplication): Mode[] {
  return [
    mode(app, 'before', 'ledger', 'proofs checked on the peer', OLD_DURATION_MS),
    mode(app, 'after', 'cache', 'proofs checked against the device cache', DURATION_MS),
  ];
}

/** Every counter's registration projected into the device cache (the "after" mode reads it). */
async function projected(db: Db, n: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await db.pg.query<{ n: string }>('SELECT count(*) AS n FROM devices');
    if (Number(r.rows[0]?.n) >= n) return;
    if (Date.now() > until) throw new Error(`only ${r.rows[0]?.n} of ${n} devices projected`);
    await sleep(500);
  }
}

async function main(): Promise<void> {
  // The middleware runs in this process, beside the counters' HTTP clients.
  process.env.BENCH_SELF_NAME = 'bench process (middleware + counters)';
  const m = machine();
  const db = await benchDatabase();
  const env = realEnv(NETWORK, db.url, {
    mspId: 'MallAMSP',
    extra: { LEDGER_USER: 'admin', PARTNER_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'), LOG_LEVEL: 'warn' },
  });
  const config = loadConfig(env);
  const app = await createApp(config, realLedgerProvider);
  const probe = new PathProbe(app);
  const compared = modes(app);
  const pids = nodePids(NETWORK);
  try {
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    const keys = app.get(ApiKeysService);
    const partner = await app.get(PartnerCredentialsService).create('huina', 'BENCH', 'bench');
    const ctx: Ctx = {
      base: `http://127.0.0.1:${port}`,
      appId: partner.appId,
      secret: Buffer.from(partner.secret, 'utf8'),
      devicesKey: (await keys.create('MallAMSP', 'bench', ['devices:write'])).key,
      intakeKey: (await keys.create('MallAMSP', 'bench', ['intake:read'])).key,
    };
    const phase1 = await recordsPhase(ctx);
    const stored = Number(
      (await db.pg.query<{ n: string }>('SELECT count(*) AS n FROM huina_traffic_buckets')).rows[0]?.n,
    );
    const recRate = phase1.records / phase1.seconds;
    console.log(
      JSON.stringify({ phase: 'records', ...phase1, stored, perSecond: Math.round(recRate), load: currentLoad() }),
    );

    const dir = mkdtempSync(path.join(tmpdir(), 'bench-traffic-'));
    const ids = Array.from({ length: DEVICES }, (_, d) => new CounterIdentity(path.join(dir, `c${d}.pem`)));
    const regs = await Promise.all(ids.map((id) => register(ctx, id, config.ledger.channel, config.ledger.chaincode)));
    const regCounts = await settled(ctx, regs, 5 * 60_000);
    if (regCounts.get('committed') !== DEVICES) throw new Error(`registrations: ${JSON.stringify([...regCounts])}`);
    await projected(db, DEVICES, 2 * 60_000);
    const runs: AttRun[] = [];
    for (const mode of compared) {
      mode.apply(); // read at every push and every claim
      probe.reset();
      const cpuBefore = await cpuSnapshot(pids, db.pg);
      const p = await attestationPhase(ctx, db, ids, config.ledger.channel, mode.ms);
      const cpu = cpuSplit(cpuBefore, await cpuSnapshot(pids, db.pg));
      const committed = p.counts.get('committed') ?? 0;
      const run: AttRun = {
        ...p,
        ...mode,
        committed,
        attRate: committed / p.anchorSeconds,
        path: probe.figures(),
        cpu,
      };
      runs.push(run);
      console.log(
        JSON.stringify({
          phase: `attestations ${mode.mode}`,
          accepted: p.accepted.length,
          counts: Object.fromEntries(p.counts),
          calls: p.calls,
          acceptSeconds: p.acceptSeconds,
          anchorSeconds: p.anchorSeconds,
          perSecond: Number(run.attRate.toFixed(1)),
          path: run.path,
          cpu: cpu.map((c) => `${c.name} ${c.cores.toFixed(2)}`),
          load: currentLoad(),
        }),
      );
    }
    if (process.env.BENCH_NO_DOC !== '1')
      writeFileSync(
        path.join(__dirname, '..', '..', 'docs', 'bench-traffic.md'),
        report(m, { phase1, stored, recRate, runs }),
      );
  } finally {
    await app.close();
    await db.drop();
  }
}

function report(
  m: ReturnType<typeof machine>,
  r: {
    phase1: { records: number; seconds: number; failed: number };
    stored: number;
    recRate: number;
    runs: AttRun[];
  },
): string {
  const lost1 = r.phase1.records - r.stored;
  const attRow = (a: AttRun): string => {
    const lost = a.accepted.length - a.committed;
    return `| attestations, ${a.mode}: ${a.what} | proven pushes (1 record), ${DEVICES} counters, one push in flight each, ${(a.ms / 1000).toFixed(0)} s, then until every attestation is settled | ${a.accepted.length} accepted in ${a.acceptSeconds.toFixed(1)} s (**${(a.accepted.length / a.acceptSeconds).toFixed(1)} accepted/s**), ${a.committed} committed by ${a.anchorSeconds.toFixed(1)} s in ${a.calls} transactions = **${a.attRate.toFixed(1)} anchored/s**; intake states ${JSON.stringify(Object.fromEntries(a.counts))} (${lost === 0 ? 'none lost' : `${lost} not committed`}) | ≥ 500/s |`;
  };
  const pathRow = (a: AttRun): string => {
    const f = a.path;
    return `| ${a.mode} | ${f.claims} claims, p50 ${f.claimP50Ms} ms / p95 ${f.claimP95Ms} ms, busy ${(f.claimBusy * 100).toFixed(0)} % | ${f.calls} calls (${f.failedCalls} failed), ${f.entriesPerCall} entries a call | ${f.endorseP50Ms} ms | ${f.commitP50Ms} ms | ${f.meanInFlight} (max ${f.maxInFlight}) |`;
  };
  const cpuRow = (a: AttRun): string =>
    `| ${a.mode} | ${a.cpu
      .filter((c) => c.cores >= 0.005)
      .map((c) => `${c.name} ${c.cores.toFixed(2)}`)
      .join('; ')} |`;
  return `# Benchmark: Huina traffic (\`npm run bench:traffic -w middleware\`)

Written by \`middleware/bench/traffic.bench.ts\`; one run: records ${RECORDS_MS / 1000} s, attestations
${OLD_DURATION_MS / 1000} s before and ${DURATION_MS / 1000} s after (\`BENCH_DURATION_S\`; the issue's figure is 300 s).
${m.date}, ${m.cores} cores (${m.cpu}), Node ${m.node}, load at start ${m.loadAtStart} — a machine shared with other
engineers' work, so figures are a floor, not a capacity. The middleware runs in the benchmark's process with the
real ledger driver against the dev network (\`LEDGER_USER=admin\`) and a fresh Postgres database.

| phase | what | result | target |
| --- | --- | --- | --- |
| records | signed pushes of 1,000 records (no proof), ${WORKERS} clients | ${r.phase1.records} records in ${r.phase1.seconds.toFixed(1)} s = **${Math.round(r.recRate)} records/s**; ${r.phase1.failed} pushes refused; ${r.stored} buckets stored (${lost1 === 0 ? 'none lost' : `${lost1} LOST`}) | ≥ 5,000/s |
${r.runs.map(attRow).join('\n')}

Both attestation runs are in this one process, on the same network and database, one after the other. Every
proven push becomes one \`devices:SubmitAttestations\` entry queued in the outbox under the counter's DID as
ordering key; a claim takes a device's consecutive queued attestations (\`BATCH_KEY_RUN_MAX\`) and queued entries
of many devices share one call (\`BatchCarrier\`, ≤ 200 entries, the chaincode checks the seq order inside it).

Where the time goes (measured in the middleware: \`OutboxStore.claim\` and the ledger port's submit wrapped):

| mode | outbox claims (serialised) | SubmitAttestations calls | endorse p50 | order + commit p50 | calls in flight (mean) |
| --- | --- | --- | --- | --- | --- |
${r.runs.map(pathRow).join('\n')}

CPU per process over each attestation phase (cores; from /proc, Postgres = the backends of the bench database):

| mode | cores |
| --- | --- |
${r.runs.map(cpuRow).join('\n')}
`;
}

interface AttRun extends AttPhase, Mode {
  committed: number;
  attRate: number;
  path: PathFigures;
  cpu: { name: string; cores: number }[];
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
