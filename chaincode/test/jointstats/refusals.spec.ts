/**
 * Every refusal of the jointstats contract names what is wrong, carries its stable code and
 * leaves the ledger exactly as it was (no write, no event).
 */
import { ORDER, encodePartial } from '../../src/jointstats/vss';
import { HOUR, JointWorld, ROUND_ID, admin, client, joinedWorld } from '../support/jointstats-fixture';

async function expectRefused(w: JointWorld, run: Promise<unknown>, message: string): Promise<void> {
  const before = w.ledger.dump();
  const events = w.ledger.events.length;
  await expect(run).rejects.toThrow(message);
  expect(w.ledger.dump()).toEqual(before);
  expect(w.ledger.events).toHaveLength(events);
}

const OPTS = { n: 3, t: 2, buckets: 2 };

describe('jointstats refusals: ProposeRound', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'two participants',
      { participants: ['MallAMSP', 'MallBMSP'] },
      'JOINTSTATS_SMALL_GROUP: a round needs at least 3',
    ],
    [
      'fewer participants than minContributors',
      { minContributors: 4 },
      'JOINTSTATS_SMALL_GROUP: a round needs at least 4 participants',
    ],
    ['minContributors below 3', { minContributors: 2 }, 'INPUT_INVALID: minContributors: must be at least 3'],
    ['threshold above n', { threshold: 4 }, 'INPUT_INVALID: threshold: must be at most 3'],
    ['threshold 1', { threshold: 1 }, 'INPUT_INVALID: threshold: must be at least 2'],
    [
      'a participant twice',
      { participants: ['MallAMSP', 'MallBMSP', 'MallAMSP'] },
      'participants[2]: MallAMSP is listed twice',
    ],
    [
      'the proposer missing',
      { participants: ['MallBMSP', 'MallCMSP', 'MallDMSP'] },
      'participants: must include the proposer',
    ],
    ['a deadline in the past', { deadline: '2026-03-01T01:00:00Z' }, 'INPUT_INVALID: deadline: must be in the future'],
    ['a deadline too far ahead', { deadline: '2026-05-01T00:00:00Z' }, 'deadline: must be at most 30 days ahead'],
    ['too many buckets', { buckets: 169 }, 'INPUT_INVALID: buckets: must be at most 168'],
    ['an unknown member', { colour: 'red' }, 'INPUT_INVALID: request: unsupported member "colour"'],
    [
      'a bad participant ID',
      { participants: ['MallAMSP', 'Mall B', 'MallCMSP'] },
      'participants[1]: must be an MSP ID',
    ],
  ])('refuses %s', async (_name, overrides, message) => {
    const w = new JointWorld();
    await expectRefused(w, w.call('ProposeRound', w.proposal(OPTS, overrides), admin('MallAMSP')), message);
  });

  it('refuses a second round with the same ID', async () => {
    const w = await joinedWorld(OPTS);
    await expectRefused(w, w.call('ProposeRound', w.proposal(OPTS), admin('MallBMSP')), 'JOINTSTATS_DUPLICATE: ');
  });
});

describe('jointstats refusals: JoinRound', () => {
  it('refuses an unknown round, a non-participant, a second join, a join after the deadline', async () => {
    const w = new JointWorld();
    await w.propose(OPTS);
    await w.join('MallAMSP');
    const key = w.keys.get('MallAMSP')!.publicKey;
    await expectRefused(
      w,
      w.call('JoinRound', { roundId: 'nope', publicKey: key }, admin('MallBMSP')),
      'JOINTSTATS_UNKNOWN_ROUND: round nope does not exist',
    );
    await expectRefused(
      w,
      w.call('JoinRound', { roundId: ROUND_ID, publicKey: key }, admin('MallEMSP')),
      'JOINTSTATS_NOT_PARTICIPANT: MallEMSP does not take part',
    );
    await expectRefused(
      w,
      w.call('JoinRound', { roundId: ROUND_ID, publicKey: key }, admin('MallAMSP')),
      'JOINTSTATS_DUPLICATE: ',
    );
    w.ledger.advance(HOUR);
    await expectRefused(
      w,
      w.call('JoinRound', { roundId: ROUND_ID, publicKey: key }, admin('MallBMSP')),
      'JOINTSTATS_LATE: joining',
    );
  });

  it.each([
    ['uncompressed', (k: string) => `04${k.slice(2)}${'0'.repeat(64)}`],
    ['upper case', (k: string) => k.toUpperCase()],
    ['not on the curve', (k: string) => `${k.slice(0, 2)}${'f'.repeat(64)}`],
    ['a number', () => 7],
  ])('refuses a share key that is %s', async (_name, spoil) => {
    const w = new JointWorld();
    await w.propose(OPTS);
    await w.join('MallAMSP');
    const publicKey = spoil(w.keys.get('MallAMSP')!.publicKey);
    await expectRefused(
      w,
      w.call('JoinRound', { roundId: ROUND_ID, publicKey }, admin('MallBMSP')),
      'JOINTSTATS_ENCODING: publicKey',
    );
  });
});

describe('jointstats refusals: SubmitDeal', () => {
  it('refuses a deal before everyone joined', async () => {
    const w = new JointWorld();
    await w.propose(OPTS);
    await w.join('MallAMSP');
    await w.join('MallBMSP');
    await expectRefused(
      w,
      w.call('SubmitDeal', { roundId: ROUND_ID, commitments: [], shares: {} }, client('MallAMSP')),
      'JOINTSTATS_PHASE: round district-2026-03-01-visitors is joining',
    );
  });

  it('refuses an unknown round, a non-participant, a late deal and a second deal', async () => {
    const w = await joinedWorld(OPTS);
    const deal = await w.dealRequest('MallAMSP', [1, 2]);
    await expectRefused(
      w,
      w.call('SubmitDeal', { ...deal, roundId: 'other' }, client('MallAMSP')),
      'JOINTSTATS_UNKNOWN_ROUND: ',
    );
    await expectRefused(w, w.call('SubmitDeal', deal, client('MallEMSP')), 'JOINTSTATS_NOT_PARTICIPANT: MallEMSP');
    await w.call('SubmitDeal', deal, client('MallAMSP'));
    await expectRefused(
      w,
      w.call('SubmitDeal', deal, client('MallAMSP')),
      'JOINTSTATS_DUPLICATE: MallAMSP has already dealt',
    );
    const late = await w.dealRequest('MallBMSP', [3, 4]);
    w.ledger.advance(HOUR);
    await expectRefused(
      w,
      w.call('SubmitDeal', late, client('MallBMSP')),
      'JOINTSTATS_LATE: dealing after the deadline',
    );
  });

  const spoilers: [string, (d: Record<string, unknown>) => Record<string, unknown>, string][] = [
    [
      'one bucket too few',
      (d) => ({ ...d, commitments: (d.commitments as unknown[]).slice(1) }),
      'JOINTSTATS_SHAPE: commitments must be 2 buckets × 2 points',
    ],
    [
      'one coefficient too many',
      (d) => ({ ...d, commitments: (d.commitments as string[][]).map((r) => [...r, r[0]]) }),
      'JOINTSTATS_SHAPE: commitments',
    ],
    [
      'a blob missing',
      (d) => ({ ...d, shares: { MallBMSP: (d.shares as Record<string, string>).MallBMSP } }),
      'JOINTSTATS_SHAPE: shares must hold one blob for each other participant (MallBMSP, MallCMSP); got MallBMSP',
    ],
    [
      'a blob for a non-participant',
      (d) => ({ ...d, shares: { ...(d.shares as object), MallEMSP: (d.shares as Record<string, string>).MallBMSP } }),
      'JOINTSTATS_SHAPE: shares',
    ],
    [
      'a blob to itself',
      (d) => ({ ...d, shares: { ...(d.shares as object), MallAMSP: (d.shares as Record<string, string>).MallBMSP } }),
      'JOINTSTATS_SHAPE: shares',
    ],
    [
      'a blob of the wrong length',
      (d) => ({
        ...d,
        shares: { ...(d.shares as object), MallBMSP: (d.shares as Record<string, string>).MallBMSP!.slice(4) },
      }),
      'JOINTSTATS_ENCODING: shares.MallBMSP must hold 189 bytes',
    ],
    [
      'a blob in standard base64',
      (d) => ({
        ...d,
        shares: { ...(d.shares as object), MallBMSP: `${(d.shares as Record<string, string>).MallBMSP!}==` },
      }),
      'JOINTSTATS_ENCODING: shares.MallBMSP must be base64url',
    ],
    [
      'an uncompressed commitment',
      (d) => ({ ...d, commitments: [[`04${'1'.repeat(128)}`, 'x'], ...(d.commitments as unknown[]).slice(1)] }),
      'JOINTSTATS_ENCODING: commitments[0][0] must be a compressed point',
    ],
    [
      'a commitment off the curve',
      (d) => ({
        ...d,
        commitments: (d.commitments as string[][]).map((r, b) => (b === 1 ? [r[0], `03${'f'.repeat(64)}`] : r)),
      }),
      'JOINTSTATS_ENCODING: commitments[1][1] is not a point on P-256',
    ],
    ['an absent bucket out of range', (d) => ({ ...d, absent: [2] }), 'INPUT_INVALID: absent[0]: must be at most 1'],
    [
      'absent buckets out of order',
      (d) => ({ ...d, absent: [1, 0] }),
      'INPUT_INVALID: absent: must list bucket indexes in increasing order',
    ],
    ['no shares object', (d) => ({ ...d, shares: [] }), 'INPUT_INVALID: shares: must be a JSON object'],
  ];

  it.each(spoilers)('refuses a deal with %s', async (_name, spoil, message) => {
    const w = await joinedWorld(OPTS);
    const deal = await w.dealRequest('MallAMSP', [1, 2]);
    await expectRefused(w, w.call('SubmitDeal', spoil(deal), client('MallAMSP')), message);
  });
});

describe('jointstats refusals: SubmitPartial and FinalizeRound', () => {
  async function dealt(): Promise<JointWorld> {
    const w = await joinedWorld(OPTS);
    for (const [i, mall] of w.participants.entries()) await w.deal(mall, [i, i + 1]);
    return w;
  }

  it('refuses a partial while dealing is open', async () => {
    const w = await joinedWorld(OPTS);
    await w.deal('MallAMSP', [1, 1]);
    await expectRefused(
      w,
      w.call('SubmitPartial', { roundId: ROUND_ID, values: [] }, client('MallAMSP')),
      'JOINTSTATS_PHASE: round district-2026-03-01-visitors is dealing; a partial needs dealing closed',
    );
  });

  it('refuses a partial of the wrong length, with a non-canonical scalar, from a non-participant, for an unknown round', async () => {
    const w = await dealt();
    const values = encodePartial(await w.partialValues('MallAMSP'));
    const [[f, g]] = values as [[string, string]];
    const call = (v: unknown, who = client('MallAMSP'), roundId = ROUND_ID): Promise<unknown> =>
      w.call('SubmitPartial', { roundId, values: v }, who);
    await expectRefused(w, call(values.slice(1)), 'JOINTSTATS_SHAPE: partial must be an array of 2 buckets');
    await expectRefused(w, call([values[0], [f]]), 'JOINTSTATS_SHAPE: partial[1] must be [f, g]');
    await expectRefused(
      w,
      call([[ORDER.toString(16), g], values[1]]),
      'JOINTSTATS_ENCODING: partial[0][0] must be below the group order',
    );
    await expectRefused(
      w,
      call([[f.toUpperCase(), g], values[1]]),
      'JOINTSTATS_ENCODING: partial[0][0] must be 64 lowercase hex',
    );
    await expectRefused(w, call(values, client('MallEMSP')), 'JOINTSTATS_NOT_PARTICIPANT: ');
    await expectRefused(w, call(values, client('MallAMSP'), 'nope'), 'JOINTSTATS_UNKNOWN_ROUND: ');
  });

  it('refuses partials once every bucket is suppressed', async () => {
    const w = await joinedWorld(OPTS);
    await w.deal('MallAMSP', [1, 1]);
    await w.deal('MallBMSP', [1, 1]);
    w.ledger.advance(HOUR); // Mall C never deals: 2 contributors per bucket < 3.
    await expectRefused(
      w,
      w.call('SubmitPartial', { roundId: ROUND_ID, values: [null, null] }, client('MallAMSP')),
      'JOINTSTATS_SMALL_GROUP: every bucket of district-2026-03-01-visitors has fewer than 3 contributors',
    );
  });

  it('refuses to finalize twice, and partials after the result', async () => {
    const w = await dealt();
    await w.partial('MallAMSP');
    await w.partial('MallBMSP');
    await w.finalize();
    await expectRefused(
      w,
      w.call('FinalizeRound', { roundId: ROUND_ID }, client('MallCMSP')),
      'JOINTSTATS_PHASE: round district-2026-03-01-visitors is final',
    );
    await expectRefused(w, w.partial('MallCMSP'), 'JOINTSTATS_PHASE: ');
  });

  it('refuses GetDeal of a mall that has not dealt', async () => {
    const w = await joinedWorld(OPTS);
    await expect(w.call('GetDeal', { roundId: ROUND_ID, dealer: 'MallBMSP' }, client('MallAMSP'))).rejects.toThrow(
      'JOINTSTATS_PHASE: MallBMSP has not dealt',
    );
    await expect(w.call('GetDeal', { roundId: ROUND_ID, dealer: 'MallEMSP' }, client('MallAMSP'))).rejects.toThrow(
      'JOINTSTATS_NOT_PARTICIPANT: ',
    );
  });
});
