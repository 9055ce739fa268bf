/**
 * The participation job of three to four malls against the real `jointstats` contract on the chaincode's in-memory
 * stub (unit tier: the stub stands in for Fabric; the real-network run is not built yet, see docs/joint-stats.md).
 * Each mall has its own store and input; the tests drive every mall's job step by step until the round is final.
 */
import '../../../chaincode/test/support/env';
import { JointStatsContract } from '../../../chaincode/dist/jointstats/jointstats.contract';
import { Ledger, type Identity } from '../../../chaincode/test/support/fake-stub';
import { TEST_CERTS } from '../../../chaincode/test/support/fake-certs';
import { JointStatsLedger, type RoundProposal, type RoundRecord } from '../../src/ledger/domain/jointstats.ledger';
import {
  ChaincodeRejectedError,
  LedgerTimeoutError,
  MvccConflictError,
  type LedgerPort,
  type SubmitOptions,
  parseChaincodeMessage,
} from '../../src/ledger/ledger.port';
import { type InputSource, type InputVector, UnattestedInputError } from '../../src/jointstats/input-vector';
import { RoundParticipant, type StepOutcome } from '../../src/jointstats/participant';
import { SecretBox } from '../../src/common/secret-box';
import { MemoryParticipationStore } from '../../src/jointstats/testing/memory-participations';
import { encryptBlob, plaintextLength } from '../../src/jointstats/vss';

const KEY = Buffer.alloc(32, 7).toString('base64');
const ROUND = 'district-2026-03-01-visitors';
const MALLS = ['MallAMSP', 'MallBMSP', 'MallCMSP', 'MallDMSP'];

const admin = (mspId: string): Identity => ({ mspId, role: 'admin', cert: TEST_CERTS.mallAAdmin });

type Hook = (fn: string, args: string[]) => string[] | 'lose-answer' | undefined;

/** A LedgerPort over the stub: chaincode refusals become ChaincodeRejectedError as the real drivers make them. */
function stubPort(
  ledger: Ledger,
  contract: JointStatsContract,
  who: Identity,
  hook?: { fn?: Hook },
  seen?: SubmitOptions[],
): LedgerPort {
  const call = async (fn: string, args: readonly string[], opts?: SubmitOptions): Promise<Uint8Array> => {
    let a = [...args];
    const h = hook?.fn?.(fn, a);
    if (Array.isArray(h)) a = h;
    try {
      const transient = opts?.transient ? { ...opts.transient } : undefined;
      const r = await ledger.invoke(contract, fn.replace(/^jointstats:/, ''), a, who, transient ? { transient } : {});
      if (h === 'lose-answer') throw new LedgerTimeoutError('commitStatus', 'answer lost (test)');
      return Buffer.from(JSON.stringify(r.result));
    } catch (e) {
      if (e instanceof LedgerTimeoutError) throw e;
      if (/(MVCC|PHANTOM)_READ_CONFLICT/.test((e as Error).message)) throw new MvccConflictError((e as Error).message);
      const { code, reason } = parseChaincodeMessage((e as Error).message);
      throw new ChaincodeRejectedError(code, reason);
    }
  };
  const unused = (): never => {
    throw new Error('not used by the job');
  };
  return {
    submit: async (fn, args, opts) => {
      if (opts) seen?.push(opts);
      return { txId: 'tx', blockNumber: 0n, result: await call(fn, args, opts) };
    },
    evaluate: (fn, args) => call(fn, args),
    chaincodeEvents: unused,
    txStatus: unused,
    ping: () => Promise.resolve(true),
    close: () => undefined,
  };
}

class FixedInput implements InputSource {
  constructor(readonly v: InputVector) {}
  vector(round: RoundRecord): Promise<InputVector> {
    expect(this.v.values).toHaveLength(round.buckets);
    return Promise.resolve(this.v);
  }
}

interface Mall {
  readonly msp: string;
  readonly store: MemoryParticipationStore;
  readonly hook: { fn?: Hook };
  participant: RoundParticipant;
  readonly input: FixedInput;
  stopped: boolean;
}

/** Distinct, recognisable hourly figures per mall (a day of traffic). */
function hourly(seed: number, buckets: number): bigint[] {
  return Array.from({ length: buckets }, (_, h) => BigInt(100_000 + seed * 7_919 + h * 613));
}

class District {
  readonly ledger = new Ledger();
  readonly contract = new JointStatsContract();
  readonly malls: Mall[];
  /** Options of every submit (transient data, endorsing organisations). */
  readonly submits: SubmitOptions[] = [];

  constructor(
    n: number,
    readonly buckets: number,
    readonly shareDelivery?: 'private',
  ) {
    this.malls = MALLS.slice(0, n).map((msp, i) => {
      const store = new MemoryParticipationStore();
      const hook: { fn?: Hook } = {};
      const input = new FixedInput({ values: hourly(i + 1, buckets), absent: [] });
      return { msp, store, hook, input, stopped: false, participant: this.participantOf(msp, store, input, hook) };
    });
  }

  participantOf(
    msp: string,
    store: MemoryParticipationStore,
    input: InputSource,
    hook: { fn?: Hook },
  ): RoundParticipant {
    const port = stubPort(this.ledger, this.contract, admin(msp), hook, this.submits);
    return new RoundParticipant(msp, new JointStatsLedger(port), store, input, KEY);
  }

  proposal(t: number): RoundProposal {
    return {
      roundId: ROUND,
      metric: 'visitors',
      siteLevel: 'mall',
      periodStart: '2026-03-01T00:00:00.000Z',
      bucketMinutes: 60,
      buckets: this.buckets,
      participants: this.malls.map((m) => m.msp),
      threshold: t,
      ...(this.shareDelivery ? { shareDelivery: this.shareDelivery } : {}),
      deadline: new Date(this.ledger.now + 3_600_000).toISOString(),
    };
  }

  async approveAll(t: number): Promise<void> {
    for (const [i, m] of this.malls.entries()) await m.store.approve(ROUND, i === 0 ? this.proposal(t) : null);
  }

  /** One step of every running mall, in turn; answers what each did. */
  async tick(): Promise<StepOutcome[]> {
    const out: StepOutcome[] = [];
    for (const m of this.malls) {
      const p = await m.store.get(ROUND);
      if (m.stopped || !p || p.state !== 'active') continue;
      try {
        out.push(await m.participant.step(p));
      } catch (e) {
        if (!(e instanceof LedgerTimeoutError)) throw e;
      }
    }
    return out;
  }

  async run(maxTicks = 20): Promise<void> {
    for (let i = 0; i < maxTicks; i++) {
      if ((await this.tick()).length === 0) return;
    }
    throw new Error('the round did not end');
  }

  plainSums(malls = this.malls): number[] {
    return Array.from({ length: this.buckets }, (_, b) =>
      malls.reduce((acc, m) => acc + Number(m.input.v.values[b]), 0),
    );
  }

  joinedKey(msp: string): string {
    const join = this.ledger.dump()[`jsjoin/${ROUND}/${msp}`] as { publicKey: string } | undefined;
    if (!join) throw new Error(`${msp} has not joined`);
    return join.publicKey;
  }

  dealt(msp: string): boolean {
    return this.ledger.dump()[`jsdeal/${ROUND}/${msp}`] !== undefined;
  }

  async result(): Promise<Record<string, unknown>> {
    const r = await this.ledger.invoke(
      this.contract,
      'GetRound',
      [JSON.stringify({ roundId: ROUND })],
      admin('MallAMSP'),
    );
    return (r.result as { result: Record<string, unknown> }).result;
  }
}

/** The ledger holds exactly the key and the deal this mall keeps (one of each, whatever happened). */
async function expectOneKeyOneDeal(d: District, m: Mall): Promise<void> {
  const p = (await m.store.get(ROUND))!;
  expect(d.joinedKey(m.msp)).toBe(p.publicKey);
  const kept = JSON.parse(new SecretBox(KEY).openText(p.sealedDeal!, `jointstats:deal:${ROUND}`)) as {
    request: { commitments: string[][] };
  };
  const onLedger = d.ledger.dump()[`jsdeal/${ROUND}/${m.msp}`] as { commitments: string[][] };
  expect(onLedger.commitments).toEqual(kept.request.commitments);
}

function leaves(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (Buffer.isBuffer(value)) return [value.toString('hex')];
  if (value instanceof Date) return [value.toISOString()];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [value];
}

describe('jointstats participation job', () => {
  it('three malls, t = 2, a day of hourly traffic: the result is exactly the plain sum; no plain input anywhere else', async () => {
    const d = new District(3, 24);
    await d.approveAll(2);
    await d.run();
    const result = await d.result();
    expect(result).toMatchObject({
      totals: d.plainSums(),
      dealers: MALLS.slice(0, 3),
      neverDealt: [],
      invalidPartials: [],
    });
    for (const m of d.malls) expect((await m.store.get(ROUND))?.state).toBe('done');
    // Not on the ledger (state and events), and not in any mall's store: its own input is sealed there.
    const everything = leaves({
      state: d.ledger.dump(),
      events: d.ledger.events,
      stores: d.malls.map((m) => [...m.store.rows.values()]),
    });
    for (const m of d.malls) {
      for (const v of m.input.v.values)
        expect(everything.filter((x) => x === Number(v) || x === String(v))).toEqual([]);
    }
    // The round key is deleted once the round is final; the sealed deal (the auditor's opening) is kept.
    for (const m of d.malls)
      expect(await m.store.get(ROUND)).toMatchObject({ sealedKey: null, sealedDeal: expect.any(Buffer) as unknown });
  });

  it('private delivery, four malls, t = 3: exact sums; blobs only in the recipients’ collections; every participant endorses each deal', async () => {
    const d = new District(4, 24, 'private');
    await d.approveAll(3);
    await d.run();
    expect(await d.result()).toMatchObject({ totals: d.plainSums(), dealers: MALLS.slice(0, 4), invalidPartials: [] });
    for (const m of d.malls) {
      const deal = d.ledger.dump()[`jsdeal/${ROUND}/${m.msp}`] as { shares: object; shareHashes: object };
      expect(deal.shares).toEqual({});
      expect(Object.keys(deal.shareHashes)).toHaveLength(3);
      expect(d.ledger.privateData.get(`_implicit_org_${m.msp}`)?.size).toBe(3);
    }
    const deals = d.submits.filter((o) => o.transient?.shares !== undefined);
    expect(deals).toHaveLength(4);
    for (const o of deals) expect(o.endorsingOrganizations).toEqual(MALLS.slice(0, 4));
  });

  it('a mall that stops after dealing does not stop the round (t = 2 of 3)', async () => {
    const d = new District(3, 4);
    await d.approveAll(2);
    const c = d.malls[2]!;
    for (let i = 0; i < 10 && !d.dealt('MallCMSP'); i++) await d.tick();
    c.stopped = true;
    await d.run();
    expect(await d.result()).toMatchObject({
      totals: d.plainSums(),
      partialsUsed: ['MallAMSP', 'MallBMSP'],
      noPartial: ['MallCMSP'],
    });
  });

  it('an answer lost after the deal committed, and a restart: one deal, the same one, and the round completes', async () => {
    const d = new District(3, 3);
    await d.approveAll(2);
    const b = d.malls[1]!;
    let lost = 0;
    b.hook.fn = (fn) => (fn === 'jointstats:SubmitDeal' && lost++ === 0 ? 'lose-answer' : undefined);
    for (let i = 0; i < 4; i++) await d.tick();
    expect(lost).toBeGreaterThan(0);
    // The process dies; a new one (same database) carries on.
    b.participant = d.participantOf(b.msp, b.store, b.input, {});
    await d.run();
    expect((await d.result()).totals).toEqual(d.plainSums());
    await expectOneKeyOneDeal(d, b);
  });

  it('two instances of one mall racing keep one key and one deal', async () => {
    const d = new District(3, 3);
    await d.approveAll(2);
    const b = d.malls[1]!;
    const twin = d.participantOf(b.msp, b.store, b.input, {});
    b.stopped = true; // driven here: both instances step on the same stored row at the same time
    for (let i = 0; i < 12; i++) {
      await d.tick();
      const p = await b.store.get(ROUND);
      if (p?.state !== 'active') continue;
      const settled = await Promise.allSettled([b.participant.step(p), twin.step(p)]);
      // The loser of a race is invalidated (MVCC) and simply steps again; nothing else may go wrong.
      for (const r of settled) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(MvccConflictError);
    }
    expect((await d.result()).totals).toEqual(d.plainSums());
    await expectOneKeyOneDeal(d, b);
  });

  it('a dealer that sends a bad share is complained about, disqualified and named; the others’ sum comes', async () => {
    const d = new District(4, 3);
    await d.approveAll(2);
    const a = d.malls[0]!;
    a.hook.fn = (fn, args) => {
      if (fn !== 'jointstats:SubmitDeal') return undefined;
      // Mall A spoils the blob to Mall B: encrypted to B's key, but no share in it matches A's commitments.
      const req = JSON.parse(args[0]!) as { shares: Record<string, string> };
      const ctx = { roundId: ROUND, dealer: 'MallAMSP', recipient: 'MallBMSP' };
      const pub = d.joinedKey('MallBMSP');
      req.shares.MallBMSP = encryptBlob(Buffer.alloc(plaintextLength(3), 1), pub, ctx);
      return [JSON.stringify(req)];
    };
    await d.run(30);
    const result = await d.result();
    expect(result).toMatchObject({
      totals: d.plainSums(d.malls.slice(1)),
      dealers: ['MallBMSP', 'MallCMSP', 'MallDMSP'],
      disqualified: [expect.objectContaining({ dealer: 'MallAMSP', complainant: 'MallBMSP' })],
    });
  });

  it('a round that closes before the mall joined ends its participation as failed, naming why', async () => {
    const d = new District(3, 2);
    await d.approveAll(2);
    await d.malls[0]!.participant.step((await d.malls[0]!.store.get(ROUND))!);
    d.ledger.advance(2 * 3_600_000);
    const c = d.malls[2]!;
    expect(await c.participant.step((await c.store.get(ROUND))!)).toBe('failed');
    expect(await c.store.get(ROUND)).toMatchObject({
      state: 'failed',
      lastError: expect.stringContaining('closed before MallCMSP joined') as unknown,
    });
  });

  it('a mall whose input for an attested round has an unproven bucket deals nothing and fails, naming the bucket', async () => {
    const d = new District(3, 2);
    await d.approveAll(2);
    const c = d.malls[2]!;
    c.participant = d.participantOf(
      c.msp,
      c.store,
      {
        vector: () => Promise.reject(new UnattestedInputError('round r is attested, but bucket 1 holds 2 figure(s)')),
      },
      c.hook,
    );
    // A and B deal and then wait for C until the deadline; C fails at its deal step.
    for (let i = 0; i < 6; i++) await d.tick();
    expect(d.dealt('MallAMSP')).toBe(true);
    expect(d.dealt('MallCMSP')).toBe(false);
    expect(await c.store.get(ROUND)).toMatchObject({
      state: 'failed',
      sealedDeal: null,
      lastError: expect.stringContaining('bucket 1 holds 2 figure(s)') as unknown,
    });
  });
});
