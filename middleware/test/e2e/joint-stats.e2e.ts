/**
 * Joint district statistics on a real network of three malls (issue 14): a network of this test's own (Mall A and
 * Mall B at start, Mall C admitted by both admins), each mall with its own real Postgres (migrated; a day of hourly
 * Huina traffic, in and out).
 *
 * First over HTTP: each mall's production middleware runs as a process of its own on its own database
 * (real-app-process.ts, `JOINT_STATS_POLL_MS` short); rounds are proposed and approved through the REST API and
 * run by the scheduled job alone, processes killed and restarted in between. Then the cases that need a mall to
 * misbehave on purpose (a wrong partial, refused requests) drive the participation code (`RoundParticipant`, what
 * the job runs) in-process on the same databases, once the processes are stopped.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { killHard, type ChildApp } from '../support/child-app';
import type { Network } from '../../../fabric-network/src/network';
import { HuinaInputSource } from '../../src/jointstats/input-vector';
import { RoundParticipant } from '../../src/jointstats/participant';
import { Fn } from '../../src/jointstats/vss';
import { JointStatsLedger, type RoundProposal } from '../../src/ledger/domain/jointstats.ledger';
import { ChaincodeRejectedError, type LedgerPort } from '../../src/ledger/ledger.port';
import {
  DAY,
  type Mall,
  closeMalls,
  drive as driveMalls,
  figures,
  ledgerBlocks,
  openMall,
  outFigures,
  startDistrict,
} from './support/district';
import { type Reply, call, poll } from './support/http';
import { IntakeDb } from './support/intake-db';
import { startRealChild } from './support/real-app';
import { realEnv } from './support/real-env';

const MALLS = ['MallAMSP', 'MallBMSP', 'MallCMSP'] as const;
const KEY = randomBytes(32).toString('base64');
const HOURS = 24;
const run = randomBytes(3).toString('hex');

let network: Network;
let malls: Mall[] = [];
const progress: string[] = [];

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

function drive(roundId: string, stopped = new Set<string>(), after?: () => Promise<void>): Promise<void> {
  return driveMalls(malls, roundId, progress, stopped, after);
}

function plainSums(of: readonly Mall[] = malls, metric: 'input' | 'output' = 'input'): number[] {
  return Array.from({ length: HOURS }, (_, h) => of.reduce((acc, m) => acc + (m[metric][h] ?? 0), 0));
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
  network = await startDistrict([37300, 37600], ['C'], (m) => progress.push(m));
  malls = [];
  for (const [i, msp] of MALLS.entries()) {
    malls.push(await openMall(network, msp, figures(i, HOURS), KEY, 60, outFigures(i, HOURS)));
  }
}, 900_000);

afterAll(async () => {
  await closeMalls(malls);
  await network.down(true);
}, 300_000);

/** Each mall's middleware process, its API key, and how to start it again. */
interface Process {
  child: ChildApp | undefined;
  readonly env: Record<string, string>;
  readonly key: string;
}

const API_KEY = (msp: string): string => `mck_e2e_js_${msp}_${run}`;

describe('jointstats over HTTP: three middleware processes, the scheduled job takes part', () => {
  const procs = new Map<string, Process>();

  const start = async (msp: string): Promise<void> => {
    const p = procs.get(msp)!;
    p.child = await startRealChild(p.env, 120_000);
  };
  const stop = async (msp: string): Promise<void> => {
    const p = procs.get(msp)!;
    if (p.child) await killHard(p.child);
    p.child = undefined;
  };
  const http = <T = Record<string, unknown>>(
    msp: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<Reply<T>> => {
    const p = procs.get(msp)!;
    if (!p.child) throw new Error(`${msp} is stopped`);
    return call<T>(p.child.base, p.key, method, path, body);
  };
  type RoundReply = {
    phase?: string;
    joined?: { participant: string }[];
    dealt?: string[];
    result?: Record<string, unknown>;
    participation?: { state: string } | null;
    code?: string;
    message?: string;
  };
  const round = (msp: string, roundId: string): Promise<Reply<RoundReply>> =>
    http<RoundReply>(msp, 'GET', `/v1/jointstats/rounds/${roundId}`);
  const until = (
    what: string,
    msp: string,
    roundId: string,
    ok: (r: RoundReply) => boolean,
    ms = 240_000,
  ): Promise<RoundReply> =>
    poll(
      what,
      async () => {
        const r = await round(msp, roundId);
        return r.status === 200 && ok(r.body) ? r.body : undefined;
      },
      ms,
      500,
    );
  const approve = async (msp: string, roundId: string): Promise<void> => {
    await until(`${roundId} visible to ${msp}`, msp, roundId, () => true, 60_000);
    const r = await http(msp, 'POST', `/v1/jointstats/rounds/${roundId}/approve`);
    expect([r.status, r.body]).toEqual([202, expect.objectContaining({ roundId, state: 'active', proposer: false })]);
  };
  const propose = (msp: string, p: RoundProposal): Promise<Reply> => http(msp, 'POST', '/v1/jointstats/rounds', p);

  beforeAll(async () => {
    for (const m of malls) {
      const key = API_KEY(m.msp);
      const db = await IntakeDb.open(m.db.url);
      await db.insertKey(m.msp, key, ['consortium:admin', 'stats:read']);
      await db.close();
      procs.set(m.msp, {
        child: undefined,
        key,
        env: realEnv(network.paths.description, m.db.url, {
          mspId: m.msp,
          extra: { JOINT_STATS_KEY: KEY, JOINT_STATS_POLL_MS: '400' },
        }),
      });
      await start(m.msp);
    }
  }, 600_000);

  afterAll(async () => {
    for (const msp of procs.keys()) await stop(msp);
  }, 60_000);

  it('a round proposed and approved over HTTP gives exactly the plain sum; no ledger write and no other mall’s database holds a mall’s input', async () => {
    const roundId = `http-day-${run}`;
    const created = await propose('MallAMSP', proposal(roundId));
    expect([created.status, created.body]).toEqual([202, expect.objectContaining({ roundId, proposer: true })]);
    await approve('MallBMSP', roundId);
    await approve('MallCMSP', roundId);
    const view = await until(`${roundId} final`, 'MallBMSP', roundId, (r) => r.phase === 'final');
    expect(view.result).toMatchObject({
      totals: plainSums(),
      dealers: [...MALLS],
      neverDealt: [],
      invalidPartials: [],
    });
    // Every mall's job ends its participation once it sees the result (and deletes its round key).
    for (const msp of MALLS) {
      await until(`${msp} done`, msp, roundId, (r) => r.participation?.state === 'done', 60_000);
    }

    const blocks = (await ledgerBlocks(network)).map((b) => b.toString('latin1')).join('\n');
    expect(blocks).toContain(roundId);
    for (const m of malls) {
      expect(occurrences(blocks, [...m.input, ...m.output])).toEqual([]);
      for (const other of malls.filter((o) => o !== m)) {
        expect(occurrences(await databaseText(other.ds), [...m.input, ...m.output])).toEqual([]);
      }
    }
    expect(occurrences(await databaseText(malls[0]!.ds), malls[0]!.input)).toEqual(malls[0]!.input);
  });

  it('refuses bad proposals and approvals over HTTP with a 4xx naming what is wrong, storing nothing', async () => {
    const bad = await propose('MallAMSP', { ...proposal(`http-bad-${run}`), buckets: 0 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/buckets/);
    const metric = await propose('MallAMSP', { ...proposal(`http-bad-${run}`), metric: 'footfall' });
    expect(metric.status).toBe(400);
    expect(JSON.stringify(metric.body)).toMatch(/metric/);
    const without = await propose('MallAMSP', {
      ...proposal(`http-bad-${run}`),
      participants: ['MallBMSP', 'MallCMSP', 'MallDMSP'],
    });
    expect(without.status).toBe(400);
    expect(JSON.stringify(without.body)).toMatch(/participants must include this mall \(MallAMSP\)/);
    const unknown = await http('MallBMSP', 'POST', `/v1/jointstats/rounds/nope-${run}/approve`);
    expect(unknown.status).toBe(404);
    const listed = await http<{ rounds: { roundId: string }[] }>('MallAMSP', 'GET', '/v1/jointstats/rounds');
    expect(listed.body.rounds.map((r) => r.roundId)).not.toContain(`http-bad-${run}`);
    expect(await malls[0]!.store.get(`http-bad-${run}`)).toBeUndefined();
  });

  it('visitorsOut: a mall killed after sharing does not stop the round (t = 2 of 3), the others restarted mid-round', async () => {
    const roundId = `http-out-${run}`;
    expect((await propose('MallAMSP', proposal(roundId, { metric: 'visitorsOut' }))).status).toBe(202);
    await approve('MallBMSP', roundId);
    // A and B join; the round waits for C. Both processes are killed there and started again later.
    await until(`${roundId}: A and B joined`, 'MallAMSP', roundId, (r) => (r.joined ?? []).length === 2);
    await stop('MallAMSP');
    await stop('MallBMSP');
    await approve('MallCMSP', roundId);
    // C joins and deals (A and B are down, so dealing stays open); then C is killed for good.
    await until(`${roundId}: C dealt`, 'MallCMSP', roundId, (r) => (r.dealt ?? []).includes('MallCMSP'));
    await stop('MallCMSP');
    await start('MallAMSP');
    await start('MallBMSP');
    const view = await until(`${roundId} final`, 'MallAMSP', roundId, (r) => r.phase === 'final');
    expect(view.result).toMatchObject({
      totals: plainSums(malls, 'output'),
      dealers: [...MALLS],
      partialsUsed: ['MallAMSP', 'MallBMSP'],
      noPartial: ['MallCMSP'],
    });
    expect(view.result?.totals).not.toEqual(plainSums());
  });
});

describe('jointstats on a real three-mall network, in-process (the cases where a mall misbehaves on purpose)', () => {
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
    // Each mall joins through its own peer, which may not have the proposal's block yet (a step then waits for the
    // round); A's peer may lag the last join, so the phase is read once A's peer has seen all three.
    for (const m of malls) {
      await m.store.approve(dealing, null);
      await poll(
        `${m.msp} joined ${dealing}`,
        async () => {
          await m.participant.step((await m.store.get(dealing))!);
          const mine = await m.ledger.round(dealing);
          return mine?.joined.some((j) => j.participant === m.msp) ? true : undefined;
        },
        60_000,
        500,
      );
    }
    const v = await poll(
      `${dealing} dealing on A's peer`,
      async () => {
        const r = await a.ledger.round(dealing);
        return r && r.joined.length === malls.length ? r : undefined;
      },
      60_000,
      500,
    );
    expect(v.phase).toBe('dealing');
    const point = v.joined[0]!.publicKey;
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
  takeCaptured();
  await probe.step((await m.store.get(roundId))!).catch(() => undefined);
  const values = takeCaptured();
  if (!values) throw new Error('no partial captured');
  return values;
}

let captured: ([string, string] | null)[] | undefined;

function takeCaptured(): ([string, string] | null)[] | undefined {
  const v = captured;
  captured = undefined;
  return v;
}

/** A port that answers every read and swallows the SubmitPartial (keeping its values) instead of sending it. */
function capture(port: LedgerPort): LedgerPort {
  return {
    ...port,
    evaluate: (fn, args, o) => port.evaluate(fn, args, o),
    submit: async (fn, args, o) => {
      if (fn !== 'jointstats:SubmitPartial') return port.submit(fn, args, o);
      captured = (JSON.parse(args[0] ?? '{}') as { values: ([string, string] | null)[] }).values;
      throw new Error('captured');
    },
    chaincodeEvents: (...a) => port.chaincodeEvents(...a),
    txStatus: (id) => port.txStatus(id),
    ping: () => port.ping(),
    close: () => undefined,
  };
}
