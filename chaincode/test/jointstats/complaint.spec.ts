/**
 * Complaints against a dealer that sent a bad share: the complaint is verifiable (the chaincode re-opens the one
 * blob from the published ECDH point and its proof), an upheld one disqualifies the dealer, the round still gives
 * the exact sum of the others, and nobody can frame an honest dealer.
 */
import {
  ComplaintProofError,
  Fn,
  decodeCommitments,
  decryptBlob,
  encodeShareVector,
  decodeShareVector,
  encryptBlob,
  generateShareKeyPair,
  judgeComplaint,
  plaintextLength,
  proveComplaint,
  verifyComplaintProof,
} from '../../src/jointstats/vss';
import type { DealRecord } from '../../src/jointstats/round.model';
import { HOUR, JointWorld, ROUND_ID, admin, client, joinedWorld, plainSums } from '../support/jointstats-fixture';

const OPTS = { n: 4, t: 2, buckets: 3 };
const INPUTS = [
  [811_111, 52_229, 70_001],
  [633_331, 44_449, 90_007],
  [517_771, 38_833, 10_009],
  [422_227, 29_927, 30_011],
];

async function expectRefused(w: JointWorld, run: Promise<unknown>, message: string): Promise<void> {
  const before = w.ledger.dump();
  const events = w.ledger.events.length;
  await expect(run).rejects.toThrow(message);
  expect(w.ledger.dump()).toEqual(before);
  expect(w.ledger.events).toHaveLength(events);
}

/** Mall A deals, but the blob it sends to `victim` carries `tamper`ed shares (re-encrypted, so it decrypts). */
async function cheatingDeal(w: JointWorld, victim: string, tamper: 'share' | 'garbage'): Promise<void> {
  const req = await w.dealRequest('MallAMSP', INPUTS[0]!);
  const shares = req.shares as Record<string, string>;
  const ctx = { roundId: ROUND_ID, dealer: 'MallAMSP', recipient: victim };
  const victimKey = w.keys.get(victim)!;
  if (tamper === 'share') {
    const plain = decryptBlob(shares[victim]!, plaintextLength(OPTS.buckets), victimKey.secretKey, ctx);
    const vector = decodeShareVector(plain, OPTS.buckets);
    vector[1] = { f: Fn.add(vector[1]!.f, 1n), g: vector[1]!.g };
    shares[victim] = encryptBlob(encodeShareVector(vector), victimKey.publicKey, ctx);
  } else {
    // Encrypted to a key that is not the victim's: well-formed on the ledger, undecryptable for the victim.
    shares[victim] = encryptBlob(new Uint8Array(plaintextLength(OPTS.buckets)), generateShareKeyPair().publicKey, ctx);
  }
  await w.call('SubmitDeal', req, client('MallAMSP'));
}

async function complaintBy(w: JointWorld, complainant: string, dealer = 'MallAMSP'): Promise<Record<string, string>> {
  const deal = (await w.call<DealRecord>('GetDeal', { roundId: ROUND_ID, dealer }, client(complainant))).result;
  const ctx = { roundId: ROUND_ID, dealer, recipient: complainant };
  const proof = proveComplaint(ctx, deal.shares[complainant]!, OPTS.buckets, w.keys.get(complainant)!.secretKey);
  return { roundId: ROUND_ID, dealer, ...proof };
}

async function dealtWorld(victim = 'MallBMSP', tamper: 'share' | 'garbage' = 'share'): Promise<JointWorld> {
  const w = await joinedWorld(OPTS);
  await cheatingDeal(w, victim, tamper);
  for (const [i, mall] of w.participants.entries()) if (mall !== 'MallAMSP') await w.deal(mall, INPUTS[i]!);
  return w;
}

describe('jointstats complaints: the proof', () => {
  it('a complaint proof verifies for the complainant’s key and blob, and for nothing else', async () => {
    const w = await dealtWorld();
    const deal = (await w.call<DealRecord>('GetDeal', { roundId: ROUND_ID, dealer: 'MallCMSP' }, client('MallBMSP')))
      .result;
    const ctx = { roundId: ROUND_ID, dealer: 'MallCMSP', recipient: 'MallBMSP' };
    const blob = deal.shares.MallBMSP!;
    const pub = w.keys.get('MallBMSP')!.publicKey;
    // Every proof is randomised (its nonce): several runs.
    for (let run = 0; run < 5; run++) {
      {
        const proof = proveComplaint(ctx, blob, OPTS.buckets, w.keys.get('MallBMSP')!.secretKey);
        expect(() => {
          verifyComplaintProof(ctx, blob, OPTS.buckets, pub, proof);
        }).not.toThrow();
        // Another key, another context, another blob, another point, altered c or s: the proof fails.
        const other = w.keys.get('MallDMSP')!.publicKey;
        expect(() => {
          verifyComplaintProof(ctx, blob, OPTS.buckets, other, proof);
        }).toThrow(ComplaintProofError);
        const moved = { ...ctx, roundId: 'another-round' };
        expect(() => {
          verifyComplaintProof(moved, blob, OPTS.buckets, pub, proof);
        }).toThrow(ComplaintProofError);
        const otherBlob = deal.shares.MallDMSP!;
        expect(() => {
          verifyComplaintProof(ctx, otherBlob, OPTS.buckets, pub, proof);
        }).toThrow(ComplaintProofError);
        const forged = { ...proof, sharedPoint: generateShareKeyPair().publicKey };
        expect(() => {
          verifyComplaintProof(ctx, blob, OPTS.buckets, pub, forged);
        }).toThrow(ComplaintProofError);
        const c = Fn.add(BigInt(`0x${proof.c}`), 1n)
          .toString(16)
          .padStart(64, '0');
        expect(() => {
          verifyComplaintProof(ctx, blob, OPTS.buckets, pub, { ...proof, c });
        }).toThrow(ComplaintProofError);
      }
    }
    // An honest blob opened through the proof: the verdict is "nothing wrong".
    const proof = proveComplaint(ctx, blob, OPTS.buckets, w.keys.get('MallBMSP')!.secretKey);
    const commitments = decodeCommitments(deal.commitments, OPTS.buckets, OPTS.t);
    expect(judgeComplaint(w.shape, ctx, commitments, blob, pub, proof).upheld).toBe(false);
  });
});

describe('jointstats complaints: the round', () => {
  it('an upheld complaint disqualifies the dealer; the others’ exact sum comes, and the result names it', async () => {
    const w = await dealtWorld();
    await expect(w.partialValues('MallBMSP')).rejects.toThrow('MallAMSP: share of bucket 1 does not match');
    const { result, event } = await w.call<{ dealer: string; bucket: number; complainant: string }>(
      'SubmitComplaint',
      await complaintBy(w, 'MallBMSP'),
      client('MallBMSP'),
    );
    expect(result).toMatchObject({ dealer: 'MallAMSP', complainant: 'MallBMSP', bucket: 1 });
    expect(event).toMatchObject({ name: 'mallchain.changes', payload: { fn: 'SubmitComplaint' } });
    const view = await w.round();
    expect(view.disqualified).toEqual([
      expect.objectContaining({ dealer: 'MallAMSP', complainant: 'MallBMSP', bucket: 1 }),
    ]);
    for (const mall of ['MallBMSP', 'MallCMSP']) {
      expect((await w.partial(mall)).result).toMatchObject({ valid: true, invalidBuckets: [] });
    }
    const res = await w.finalize('MallDMSP');
    expect(res.totals).toEqual(plainSums(INPUTS.slice(1)));
    expect(res.dealers).toEqual(['MallBMSP', 'MallCMSP', 'MallDMSP']);
    expect(res.disqualified).toEqual([
      {
        dealer: 'MallAMSP',
        complainant: 'MallBMSP',
        reason: "the share of bucket 1 does not match the dealer's commitments",
      },
    ]);
    expect(res.neverDealt).toEqual([]);
  });

  it('a blob that does not decrypt is upheld too', async () => {
    const w = await dealtWorld('MallCMSP', 'garbage');
    const { result } = await w.call<{ reason: string; bucket: null }>(
      'SubmitComplaint',
      await complaintBy(w, 'MallCMSP'),
      client('MallCMSP'),
    );
    expect(result).toMatchObject({ bucket: null, reason: 'the blob does not decrypt under its own key' });
  });

  it('a partial published before the complaint becomes stale, is not counted, and may be published again', async () => {
    const w = await dealtWorld();
    expect((await w.partial('MallCMSP')).result.valid).toBe(true);
    expect((await w.partial('MallDMSP')).result.valid).toBe(true);
    await w.call('SubmitComplaint', await complaintBy(w, 'MallBMSP'), client('MallBMSP'));
    const view = await w.round();
    expect(view.partials.map((p) => [p.participant, p.current])).toEqual([
      ['MallCMSP', false],
      ['MallDMSP', false],
    ]);
    await expectRefused(
      w,
      w.call('FinalizeRound', { roundId: ROUND_ID }, client('MallCMSP')),
      'JOINTSTATS_TOO_FEW_PARTIALS: round district-2026-03-01-visitors has 0 valid partial(s)',
    );
    expect((await w.partial('MallCMSP')).result.valid).toBe(true);
    await expectRefused(w, w.partial('MallCMSP'), 'JOINTSTATS_DUPLICATE: MallCMSP has already published');
    expect((await w.partial('MallDMSP')).result.valid).toBe(true);
    expect((await w.finalize()).totals).toEqual(plainSums(INPUTS.slice(1)));
  });
});

describe('jointstats complaints: refusals write nothing', () => {
  it('an honest dealer cannot be framed: the complaint is unfounded', async () => {
    const w = await dealtWorld();
    await expectRefused(
      w,
      w.call('SubmitComplaint', await complaintBy(w, 'MallBMSP', 'MallCMSP'), client('MallBMSP')),
      "JOINTSTATS_COMPLAINT_UNFOUNDED: MallBMSP's blob from MallCMSP decrypts and every share matches",
    );
    // A victim of A's bad share complains, but about C's good blob with the point of A's bad one: proof fails.
    const bad = await complaintBy(w, 'MallBMSP');
    await expectRefused(
      w,
      w.call('SubmitComplaint', { ...bad, dealer: 'MallCMSP' }, client('MallBMSP')),
      'JOINTSTATS_COMPLAINT_PROOF: ',
    );
    // A mall that received a good share cannot copy the victim's complaint as its own.
    await expectRefused(w, w.call('SubmitComplaint', bad, client('MallCMSP')), 'JOINTSTATS_COMPLAINT_PROOF: ');
  });

  it.each<[string, (w: JointWorld, req: Record<string, string>) => Promise<unknown>, string]>([
    [
      'about itself',
      (w, r) => w.call('SubmitComplaint', { ...r, dealer: 'MallBMSP' }, client('MallBMSP')),
      'INPUT_INVALID: dealer: a mall cannot complain about its own deal',
    ],
    [
      'by a non-participant',
      (w, r) => w.call('SubmitComplaint', r, client('MallEMSP')),
      'JOINTSTATS_NOT_PARTICIPANT: MallEMSP',
    ],
    [
      'against a non-participant',
      (w, r) => w.call('SubmitComplaint', { ...r, dealer: 'MallEMSP' }, client('MallBMSP')),
      'JOINTSTATS_NOT_PARTICIPANT: MallEMSP',
    ],
    [
      'for an unknown round',
      (w, r) => w.call('SubmitComplaint', { ...r, roundId: 'nope' }, client('MallBMSP')),
      'JOINTSTATS_UNKNOWN_ROUND: round nope',
    ],
    [
      'with a bad point',
      (w, r) => w.call('SubmitComplaint', { ...r, sharedPoint: 'not-a-point' }, client('MallBMSP')),
      'JOINTSTATS_ENCODING: sharedPoint',
    ],
    [
      'with an unknown member',
      (w, r) => w.call('SubmitComplaint', { ...r, extra: 1 }, client('MallBMSP')),
      'INPUT_INVALID: request: unsupported member "extra"',
    ],
  ])('refuses a complaint %s', async (_name, run, message) => {
    const w = await dealtWorld();
    const req = await complaintBy(w, 'MallBMSP');
    await expectRefused(w, run(w, req), message);
  });

  it('refuses a complaint while dealing is open, a second one, and one after the result', async () => {
    const w = await joinedWorld(OPTS);
    await cheatingDeal(w, 'MallBMSP', 'share');
    const req = await complaintBy(w, 'MallBMSP');
    await expectRefused(w, w.call('SubmitComplaint', req, client('MallBMSP')), 'JOINTSTATS_PHASE: round');
    w.ledger.advance(2 * HOUR); // the deadline closes dealing: only A dealt, the others are left out
    await w.call('SubmitComplaint', req, admin('MallBMSP'));
    await expectRefused(
      w,
      w.call('SubmitComplaint', req, client('MallBMSP')),
      'JOINTSTATS_DUPLICATE: MallAMSP is already disqualified',
    );
  });

  it('refuses a complaint after the result', async () => {
    const w = await joinedWorld({ ...OPTS });
    for (const [i, mall] of w.participants.entries()) await w.deal(mall, INPUTS[i]!);
    await w.partial('MallAMSP');
    await w.partial('MallBMSP');
    await w.finalize();
    await expectRefused(
      w,
      w.call('SubmitComplaint', await complaintBy(w, 'MallBMSP'), client('MallBMSP')),
      'JOINTSTATS_PHASE: round district-2026-03-01-visitors is final',
    );
  });
});
