/**
 * Joint district statistics on a real network of three malls (issue 14): a network of this test's own (Mall A and
 * Mall B at start, Mall C admitted by both admins), each mall with its own real Postgres (migrated; a day of hourly
 * Huina traffic), its own admin connection and its own participation job (`RoundParticipant`, the code the
 * middleware's `JointStatsJob` runs). The HTTP layer is not in this test (the job is what takes part).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Network as GatewayNetwork } from '@hyperledger/fabric-gateway';
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { ConsortiumAdmin } from '../../../fabric-network/src/admin';
import { Network } from '../../../fabric-network/src/network';
import { NetworkPaths } from '../../../fabric-network/src/paths';
import { portIsFree } from '../../../fabric-network/src/processes';
import { networkSettings } from '../../../fabric-network/src/settings';
import type { NetworkDescription } from '../../../fabric-network/src/description';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { HuinaInputSource } from '../../src/jointstats/input-vector';
import { RoundParticipant, type StepOutcome } from '../../src/jointstats/participant';
import { PgParticipationStore } from '../../src/jointstats/participation.store';
import { Fn } from '../../src/jointstats/vss';
import { JointStatsLedger, type RoundProposal } from '../../src/ledger/domain/jointstats.ledger';
import { createLedger } from '../../src/ledger/ledger.factory';
import { ChaincodeRejectedError, type LedgerPort } from '../../src/ledger/ledger.port';
import { newFastSigner } from '../../src/ledger/fast-signer';
import { loadMspIdentity } from '../../src/ledger/msp-identity';
import { createTestDatabase, type TestDatabase } from '../support/test-db';

const MALLS = ['MallAMSP', 'MallBMSP', 'MallCMSP'] as const;
const KEY = randomBytes(32).toString('base64');
const DAY = '2026-02-28T16:00:00.000Z'; // 00:00 Asia/Shanghai, 1 March
const HOURS = 24;
const run = randomBytes(3).toString('hex');

interface Mall {
  readonly msp: string;
  readonly db: TestDatabase;
  readonly ds: DataSource;
  readonly port: LedgerPort;
  readonly ledger: JointStatsLedger;
  readonly store: PgParticipationStore;
  readonly participant: RoundParticipant;
  /** The hourly inNum sums this mall's Huina data hold: its plain input. */
  readonly input: number[];
}

let network: Network;
let malls: Mall[] = [];
const progress: string[] = [];

async function freePortBase(candidates: readonly number[]): Promise<number> {
  for (const base of candidates) {
    let free = true;
    for (let p = base + 50; p <= base + 260 && free; p++) free = await portIsFree(p);
    if (free) return base;
  }
  throw new Error(`no free port range among bases ${candidates.join(', ')}`);
}

/** Distinct 7-digit hourly figures per mall, summed from two entrances' buckets in its Huina tables. */
function figures(i: number): number[] {
  return Array.from({ length: HOURS }, (_, h) => 1_000_000 + i * 211_111 + h * 7_919 + (h % 5) * 101);
}

async function seedTraffic(ds: DataSource, msp: string, input: number[]): Promise<void> {
  const mall = `mall-${msp}`;
  await ds.query(
    `INSERT INTO huina_sites (site_key, site_name, site_type, parent_site_key) VALUES ($1, 'Mall', 300, NULL)`,
    [mall],
  );
  for (const [h, v] of input.entries()) {
    await ds.query(
      `INSERT INTO huina_traffic_buckets (site_key, data_time, interval_min, interval, in_num, out_num, modify_time, app_id)
       VALUES ($1, $2::timestamptz + make_interval(hours => $3), 60, 'H', $4, 0, now(), 'huina-e2e')`,
      [mall, DAY, h, v],
    );
  }
}

async function openMall(i: number, d: NetworkDescription, home: string): Promise<Mall> {
  const msp = MALLS[i]!;
  const db = await createTestDatabase();
  const ds = new DataSource(dataSourceOptions(db.url, 4));
  await ds.initialize();
  await ds.runMigrations();
  const input = figures(i);
  await seedTraffic(ds, msp, input);
  const peer = d.orgs[msp]?.peers[0];
  const port = await createLedger({
    driver: 'gateway',
    networkFile: new NetworkPaths(home).description,
    mspId: msp,
    user: 'admin',
    preferredPeer: peer?.address,
    channel: d.channel,
    chaincode: d.chaincode?.name,
  });
  const ledger = new JointStatsLedger(port);
  const store = new PgParticipationStore(ds);
  const participant = new RoundParticipant(msp, ledger, store, new HuinaInputSource(ds), KEY);
  return { msp, db, ds, port, ledger, store, participant, input };
}

function proposal(roundId: string, overrides: Partial<RoundProposal> = {}): RoundProposal {
  return {
    roundId,
    metric: 'visitors',
    siteLevel: 'mall',
    periodStart: DAY,
    bucketMinutes: 60,
    buckets: HOURS,
    participants: [...MALLS],
    threshold: 2,
    deadline: new Date(Date.now() + 15 * 60_000).toISOString(),
    ...overrides,
  };
}

async function approveAll(roundId: string, p: RoundProposal = proposal(roundId)): Promise<void> {
  for (const [i, m] of malls.entries()) await m.store.approve(roundId, i === 0 ? p : null);
}

/** Steps every mall not in `stopped` until none is active; `after` may stop malls between ticks. */
async function drive(roundId: string, stopped = new Set<string>(), after?: () => Promise<void>): Promise<void> {
  for (let tick = 0; tick < 40; tick++) {
    let active = 0;
    for (const m of malls) {
      if (stopped.has(m.msp)) continue;
      const p = await m.store.get(roundId);
      if (p?.state !== 'active') continue;
      active++;
      const outcome: StepOutcome = await m.participant.step(p);
      progress.push(`${roundId} ${m.msp}: ${outcome}`);
    }
    await after?.();
    if (active === 0) return;
  }
  throw new Error(`round ${roundId} did not end:\n${progress.slice(-12).join('\n')}`);
}

function plainSums(of: readonly Mall[] = malls): number[] {
  return Array.from({ length: HOURS }, (_, h) => of.reduce((acc, m) => acc + (m.input[h] ?? 0), 0));
}

/** Every block of the channel, raw, read through Mall A's gateway from block 0 to the current height. */
async function ledgerBlocks(d: NetworkDescription): Promise<Buffer[]> {
  const peer = d.orgs.MallAMSP!.peers[0]!;
  const user = d.orgs.MallAMSP!.users.client;
  const client = new grpc.Client(peer.address, grpc.credentials.createSsl(readFileSync(peer.tlsCACert)), {
    'grpc.ssl_target_name_override': peer.host,
  });
  const id = await loadMspIdentity('MallAMSP', user);
  const { signer, hash } = newFastSigner(id.privateKey);
  const gateway = connect({ client, identity: { mspId: id.mspId, credentials: id.credentials }, signer, hash });
  try {
    const net: GatewayNetwork = gateway.getNetwork(d.channel);
    const height = await chainHeight(net);
    const blocks: Buffer[] = [];
    const events = await net.getBlockEvents({ startBlock: 0n });
    try {
      for await (const block of events) {
        blocks.push(Buffer.from(block.serializeBinary()));
        if (blocks.length >= height) break;
      }
    } finally {
      events.close();
    }
    return blocks;
  } finally {
    gateway.close();
    client.close();
  }
}

async function chainHeight(net: GatewayNetwork): Promise<number> {
  const info = await net.getContract('qscc').evaluateTransaction('GetChainInfo', net.getName());
  // BlockchainInfo: field 1 (varint) is the height.
  let height = 0;
  let shift = 0;
  for (let i = 1; i < info.length; i++) {
    const b = info[i]!;
    height |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  return height;
}

/** A figure as a JSON number or string (delimited: a digit run inside random hex or base64 does not count). */
function occurrences(text: string, values: readonly number[]): number[] {
  return values.filter((v) => new RegExp(`(^|[\\[,:"\\s])${v}($|[\\],}"\\s])`).test(text));
}

/** Every row of every table of a mall's database, as JSON text. */
async function databaseText(ds: DataSource): Promise<string> {
  const tables = await ds.query<{ t: string }[]>(
    `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  let text = '';
  for (const { t } of tables) {
    const rows = await ds.query<{ j: string }[]>(`SELECT row_to_json(x)::text AS j FROM "${t}" x`);
    text += rows.map((r) => r.j).join('\n');
  }
  return text;
}

async function refusal(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (e) {
    if (e instanceof ChaincodeRejectedError) return `${e.code}: ${e.reason}`;
    throw e;
  }
  throw new Error('not refused');
}

beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'mw-e2e-jointstats-'));
  const portBase = await freePortBase([37300, 37600]);
  network = new Network(networkSettings({ home, portBase }), (m) => progress.push(m));
  await network.up();
  const admin = new ConsortiumAdmin({ settings: network.settings, progress: (m) => progress.push(m), actor: 'e2e' });
  let p = await admin.proposeAddMall('MallC');
  p = await admin.signProposal(p, 'MallAMSP');
  p = await admin.signProposal(p, 'MallBMSP');
  await admin.submitProposal(p, 'MallAMSP');
  const d = JSON.parse(readFileSync(new NetworkPaths(home).description, 'utf8')) as NetworkDescription;
  malls = [];
  for (let i = 0; i < MALLS.length; i++) malls.push(await openMall(i, d, home));
  // Mall C's peer needs a moment for discovery: retry its first read.
  for (let i = 0; i < 30; i++) {
    try {
      await malls[2]!.ledger.list();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}, 900_000);

afterAll(async () => {
  for (const m of malls) {
    m.port.close();
    await m.ds.destroy().catch(() => undefined);
    await m.db.drop().catch(() => undefined);
  }
  await network.down(true);
}, 300_000);

describe('jointstats on a real three-mall network', () => {
  it('a round over a day of hourly traffic gives exactly the plain sum; no ledger write and no other mall’s database holds a mall’s input', async () => {
    const roundId = `day-${run}`;
    await approveAll(roundId);
    await drive(roundId);
    const view = await malls[1]!.ledger.round(roundId);
    expect(view?.phase).toBe('final');
    expect(view?.result).toMatchObject({
      totals: plainSums(),
      dealers: [...MALLS],
      neverDealt: [],
      invalidPartials: [],
    });

    const d = JSON.parse(readFileSync(network.paths.description, 'utf8')) as NetworkDescription;
    const blocks = (await ledgerBlocks(d)).map((b) => b.toString('latin1')).join('\n');
    expect(blocks).toContain(roundId); // the scan reads the round's blocks
    for (const m of malls) {
      expect(occurrences(blocks, m.input)).toEqual([]);
      for (const other of malls.filter((o) => o !== m)) {
        expect(occurrences(await databaseText(other.ds), m.input)).toEqual([]);
      }
    }
    // The mall's own database holds its figures (its Huina data), so the scan can find what it looks for.
    expect(occurrences(await databaseText(malls[0]!.ds), malls[0]!.input)).toEqual(malls[0]!.input);
  });

  it('a mall that stops after sharing does not stop the round (t = 2 of 3)', async () => {
    const roundId = `dropout-${run}`;
    await approveAll(roundId);
    const stopped = new Set<string>();
    await drive(roundId, stopped, async () => {
      const v = await malls[0]!.ledger.round(roundId);
      if (v?.dealt.includes('MallCMSP')) stopped.add('MallCMSP');
    });
    const view = await malls[0]!.ledger.round(roundId);
    expect(view?.result).toMatchObject({
      totals: plainSums(),
      partialsUsed: ['MallAMSP', 'MallBMSP'],
      noPartial: ['MallCMSP'],
    });
  });

  it('a mall publishing a wrong partial sum is detected and named, and never counted', async () => {
    const roundId = `wrong-${run}`;
    await approveAll(roundId);
    const c = malls[2]!;
    // Mall C publishes its true partial plus one in bucket 5 before its job would.
    await drive(roundId, new Set(['MallCMSP']), async () => {
      const v = await c.ledger.round(roundId);
      const p = await c.store.get(roundId);
      if (!v || !p) return;
      if (v.phase !== 'aggregating' || v.partials.some((x) => x.participant === 'MallCMSP')) {
        if (p.state === 'active' && v.phase !== 'aggregating') await c.participant.step(p);
        return;
      }
      const honest = await partialOf(c, roundId);
      const values = honest.map((s, b) =>
        b === 5 && s
          ? [
              Fn.add(BigInt(`0x${s[0]}`), 1n)
                .toString(16)
                .padStart(64, '0'),
              s[1],
            ]
          : s,
      );
      await expect(c.ledger.partial(roundId, values as ([string, string] | null)[])).resolves.toMatchObject({
        participant: 'MallCMSP',
        valid: false,
        invalidBuckets: [5],
      });
    });
    const view = await malls[0]!.ledger.round(roundId);
    expect(view?.partials.find((x) => x.participant === 'MallCMSP')).toMatchObject({
      valid: false,
      invalidBuckets: [5],
    });
    expect(view?.result).toMatchObject({
      totals: plainSums(),
      invalidPartials: [{ participant: 'MallCMSP', buckets: [5] }],
    });
  });

  it('refuses bad inputs: wrong vector length, a share for an unknown round, late submissions, a non-participant’s shares', async () => {
    const roundId = `refusals-${run}`;
    const a = malls[0]!;
    const c = malls[2]!;
    // A round of A, B and a mall that never joins: it stays in joining; C is no participant.
    await a.ledger.propose(
      proposal(roundId, {
        participants: ['MallAMSP', 'MallBMSP', 'MallDMSP'],
        deadline: new Date(Date.now() + 40_000).toISOString(),
      }),
    );
    const deal = { roundId, commitments: [['02'.padEnd(66, '1')]], shares: {}, absent: [] };
    expect(await refusal(c.ledger.deal(deal))).toMatch(/^JOINTSTATS_NOT_PARTICIPANT: MallCMSP does not take part/);
    expect(await refusal(a.ledger.deal({ ...deal, roundId: `nope-${run}` }))).toMatch(
      /^JOINTSTATS_UNKNOWN_ROUND: round nope-/,
    );
    // Wrong vector length in a deal: a round in dealing, a deal of 23 buckets.
    const dealing = `length-${run}`;
    await a.ledger.propose(proposal(dealing));
    for (const m of malls) {
      await m.store.approve(dealing, null);
      await m.participant.step((await m.store.get(dealing))!);
    }
    const v = await a.ledger.round(dealing);
    expect(v?.phase).toBe('dealing');
    const point = v!.joined[0]!.publicKey;
    const wrong = {
      roundId: dealing,
      commitments: Array.from({ length: 23 }, () => [point, point]),
      shares: {},
      absent: [],
    };
    expect(await refusal(a.ledger.deal(wrong))).toMatch(/^JOINTSTATS_SHAPE: commitments must be 24 buckets × 2 points/);
    // Late: the refusals round's deadline passes; joining then is refused.
    const deadline = Date.parse((await a.ledger.round(roundId))!.round.deadline);
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now() + 2000)));
    expect(await refusal(a.ledger.join(roundId, point))).toMatch(/^JOINTSTATS_LATE: joining after the deadline/);
  });
});

/** What a mall's job would publish: re-derived here from the ledger with the mall's own store and key. */
async function partialOf(m: Mall, roundId: string): Promise<([string, string] | null)[]> {
  const probe = new RoundParticipant(
    m.msp,
    new JointStatsLedger(capture(m.port)),
    m.store,
    new HuinaInputSource(m.ds),
    KEY,
  );
  captured.values = undefined;
  await probe.step((await m.store.get(roundId))!).catch(() => undefined);
  if (!captured.values) throw new Error('no partial captured');
  return captured.values;
}

const captured: { values?: ([string, string] | null)[] } = {};

/** A port that answers every read and swallows the SubmitPartial (keeping its values) instead of sending it. */
function capture(port: LedgerPort): LedgerPort {
  return {
    ...port,
    evaluate: (fn, args, o) => port.evaluate(fn, args, o),
    submit: async (fn, args, o) => {
      if (fn !== 'jointstats:SubmitPartial') return port.submit(fn, args, o);
      captured.values = (JSON.parse(args[0] ?? '{}') as { values: ([string, string] | null)[] }).values;
      throw new Error('captured');
    },
    chaincodeEvents: (...a) => port.chaincodeEvents(...a),
    txStatus: (id) => port.txStatus(id),
    ping: () => port.ping(),
    close: () => undefined,
  };
}
