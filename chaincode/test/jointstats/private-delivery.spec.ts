/**
 * Private delivery (`shareDelivery: "private"`): the blobs travel as transient data into each recipient's implicit
 * collection and only their SHA-256 reaches the channel. A whole round still gives the exact sums; no blob is in
 * the public state or an event; each mall reads its blobs from its own peer only; complaints carry the blob and
 * are checked against the hash; every malformed deal is refused and writes nothing (public or private).
 */
import type { DealRecord } from '../../src/jointstats/round.model';
import {
  decodeShareVector,
  decryptBlob,
  encodeShareVector,
  encryptBlob,
  Fn,
  plaintextLength,
  proveComplaint,
} from '../../src/jointstats/vss';
import {
  JointWorld,
  ROUND_ID,
  admin,
  asPrivateDeal,
  blobSha256,
  client,
  joinedWorld,
  plainSums,
} from '../support/jointstats-fixture';

const OPTS = { n: 4, t: 3, buckets: 3, shareDelivery: 'private' as const };
const INPUTS = [
  [918_273, 104_729, 771_113],
  [646_361, 323_231, 552_749],
  [837_211, 419_999, 260_317],
  [712_487, 299_993, 884_423],
];

function privateSnapshot(w: JointWorld): Record<string, string[]> {
  return Object.fromEntries([...w.ledger.privateData].map(([c, m]) => [c, [...m.keys()].sort()]));
}

async function expectRefused(w: JointWorld, run: Promise<unknown>, message: string): Promise<void> {
  const before = w.ledger.dump();
  const priv = privateSnapshot(w);
  const events = w.ledger.events.length;
  await expect(run).rejects.toThrow(message);
  expect(w.ledger.dump()).toEqual(before);
  expect(privateSnapshot(w)).toEqual(priv);
  expect(w.ledger.events).toHaveLength(events);
}

/** Mall A's private deal request (hashes + transient), for tampering. */
async function privateDealOfA(
  w: JointWorld,
): Promise<{ req: Record<string, unknown> } & ReturnType<typeof asPrivateDeal>> {
  const req = await w.dealRequest('MallAMSP', INPUTS[0]!);
  return { req, ...asPrivateDeal(req) };
}

function transientOf(shares: Record<string, string>): Record<string, Uint8Array> {
  return { shares: Buffer.from(JSON.stringify(shares), 'utf8') };
}

describe('jointstats private delivery: a whole round', () => {
  it('gives the exact sums; the channel holds hashes only, each blob sits in its recipient’s collection', async () => {
    const w = await joinedWorld(OPTS);
    expect((await w.round()).round.shareDelivery).toBe('private');
    for (const [i, mall] of w.participants.entries()) await w.deal(mall, INPUTS[i]!);

    const deal = (await w.call<DealRecord>('GetDeal', { roundId: ROUND_ID, dealer: 'MallAMSP' }, client('MallBMSP')))
      .result;
    expect(deal.shares).toEqual({});
    expect(Object.keys(deal.shareHashes ?? {}).sort()).toEqual(['MallBMSP', 'MallCMSP', 'MallDMSP']);
    // Each recipient's collection holds one blob per other dealer, and nothing else.
    for (const mall of w.participants) {
      expect([...(w.ledger.privateData.get(`_implicit_org_${mall}`)?.keys() ?? [])]).toHaveLength(3);
    }
    // No blob in the public state or in an event: the largest public string is far below a blob's length.
    const blob = (
      await w.call<{ blob: string }>('GetDealShare', { roundId: ROUND_ID, dealer: 'MallAMSP' }, client('MallBMSP'))
    ).result.blob;
    expect(blobSha256(blob)).toBe(deal.shareHashes?.MallBMSP);
    const publicText = JSON.stringify({ state: w.ledger.dump(), events: w.ledger.events });
    expect(publicText).not.toContain(blob);
    expect(publicText).not.toContain(blob.slice(0, 80));

    for (const mall of w.participants.slice(0, 3)) expect((await w.partial(mall)).result.valid).toBe(true);
    const result = await w.finalize();
    expect(result.totals).toEqual(plainSums(INPUTS));
    expect(result.dealers).toEqual(w.participants);
  });

  it('a mall reads its blob only from its own peer: another org’s peer holds none', async () => {
    const w = await joinedWorld(OPTS);
    for (const [i, mall] of w.participants.entries()) await w.deal(mall, INPUTS[i]!);
    await expect(
      w.ledger.invoke(
        w.contract,
        'GetDealShare',
        [JSON.stringify({ roundId: ROUND_ID, dealer: 'MallAMSP' })],
        client('MallBMSP'),
        { peerMsp: 'MallCMSP' },
      ),
    ).rejects.toThrow('JOINTSTATS_SHARE_HASH: this peer holds no blob from MallAMSP for MallBMSP');
    // The dealer has no blob for itself.
    await expect(w.call('GetDealShare', { roundId: ROUND_ID, dealer: 'MallAMSP' }, client('MallAMSP'))).rejects.toThrow(
      "JOINTSTATS_PHASE: MallAMSP's deal in round district-2026-03-01-visitors holds no private blob for MallAMSP",
    );
  });

  it('a ledger-delivery round is unchanged: blobs on the channel, GetDealShare refuses', async () => {
    const w = await joinedWorld({ ...OPTS, shareDelivery: 'ledger' });
    expect((await w.round()).round.shareDelivery).toBeUndefined();
    for (const [i, mall] of w.participants.entries()) await w.deal(mall, INPUTS[i]!);
    expect(w.ledger.privateData.size).toBe(0);
    await expect(w.call('GetDealShare', { roundId: ROUND_ID, dealer: 'MallAMSP' }, client('MallBMSP'))).rejects.toThrow(
      'holds no private blob for MallBMSP',
    );
  });
});

describe('jointstats private delivery: refusals', () => {
  it('refuses a deal whose hash does not match its blob', async () => {
    const w = await joinedWorld(OPTS);
    const { request, transient } = await privateDealOfA(w);
    const hashes = request.shareHashes as Record<string, string>;
    hashes.MallCMSP = blobSha256('something else');
    await expectRefused(
      w,
      w.call('SubmitDeal', request, client('MallAMSP'), { transient }),
      'JOINTSTATS_SHARE_HASH: shareHashes.MallCMSP is not the SHA-256 of the transient blob for MallCMSP',
    );
  });

  it('refuses a blob for a non-participant', async () => {
    const w = await joinedWorld(OPTS);
    const { req, request } = await privateDealOfA(w);
    const shares = { ...(req.shares as Record<string, string>) };
    shares.MallEMSP = shares.MallBMSP!;
    delete shares.MallBMSP;
    await expectRefused(
      w,
      w.call('SubmitDeal', request, client('MallAMSP'), { transient: transientOf(shares) }),
      'JOINTSTATS_SHAPE: transient shares must hold one blob for each other participant (MallBMSP, MallCMSP, MallDMSP); got MallCMSP, MallDMSP, MallEMSP',
    );
  });

  it('refuses hashes naming a non-participant', async () => {
    const w = await joinedWorld(OPTS);
    const { request, transient } = await privateDealOfA(w);
    const hashes = request.shareHashes as Record<string, string>;
    hashes.MallEMSP = hashes.MallBMSP!;
    await expectRefused(
      w,
      w.call('SubmitDeal', request, client('MallAMSP'), { transient }),
      'JOINTSTATS_SHAPE: shareHashes must name exactly the recipients of the blobs',
    );
  });

  it('refuses a deal without the transient blobs, or with unreadable ones', async () => {
    const w = await joinedWorld(OPTS);
    const { request } = await privateDealOfA(w);
    await expectRefused(
      w,
      w.call('SubmitDeal', request, client('MallAMSP')),
      'JOINTSTATS_SHAPE: round district-2026-03-01-visitors: no transient "shares" with the blobs',
    );
    await expectRefused(
      w,
      w.call('SubmitDeal', request, client('MallAMSP'), { transient: { shares: Buffer.from('{not json') } }),
      'INPUT_INVALID: transient shares: must be a JSON object of blobs',
    );
    await expectRefused(
      w,
      w.call('SubmitDeal', request, client('MallAMSP'), {
        transient: transientOf({ MallBMSP: 'x', MallCMSP: 'y', MallDMSP: 'z' }),
      }),
      'JOINTSTATS_ENCODING: transient shares.MallBMSP',
    );
  });

  it('refuses blobs in the arguments of a private round, and hashes in a ledger round', async () => {
    const w = await joinedWorld(OPTS);
    const { req, transient } = await privateDealOfA(w);
    await expectRefused(
      w,
      w.call('SubmitDeal', req, client('MallAMSP'), { transient }),
      'INPUT_INVALID: shares: round district-2026-03-01-visitors delivers shares through private data',
    );
    const l = await joinedWorld({ ...OPTS, shareDelivery: 'ledger' });
    const { request } = asPrivateDeal(await l.dealRequest('MallAMSP', INPUTS[0]!));
    await expectRefused(
      l,
      l.call('SubmitDeal', request, client('MallAMSP'), { transient }),
      'INPUT_INVALID: shareHashes: round district-2026-03-01-visitors keeps its blobs on the ledger',
    );
  });

  it('refuses a deal for an unknown round, and a bad shareDelivery at proposal', async () => {
    const w = await joinedWorld(OPTS);
    const { request, transient } = await privateDealOfA(w);
    await expectRefused(
      w,
      w.call('SubmitDeal', { ...request, roundId: 'another-round' }, client('MallAMSP'), { transient }),
      'JOINTSTATS_UNKNOWN_ROUND',
    );
    const fresh = new JointWorld();
    await expectRefused(
      fresh,
      fresh.call('ProposeRound', fresh.proposal(OPTS, { shareDelivery: 'gossip' }), admin('MallAMSP')),
      'INPUT_INVALID: shareDelivery: must be "ledger" or "private"',
    );
  });

  it('refuses a second private deal of the same mall', async () => {
    const w = await joinedWorld(OPTS);
    const { request, transient } = await privateDealOfA(w);
    await w.call('SubmitDeal', request, client('MallAMSP'), { transient });
    await expectRefused(
      w,
      w.call('SubmitDeal', request, client('MallAMSP'), { transient }),
      'JOINTSTATS_DUPLICATE: MallAMSP has already dealt',
    );
  });
});

describe('jointstats private delivery: complaints carry the blob', () => {
  /** Mall A sends Mall B a blob whose bucket-1 share is off by one (re-encrypted, with its true hash). */
  async function cheated(): Promise<JointWorld> {
    const w = await joinedWorld(OPTS);
    const req = await w.dealRequest('MallAMSP', INPUTS[0]!);
    const shares = req.shares as Record<string, string>;
    const ctx = { roundId: ROUND_ID, dealer: 'MallAMSP', recipient: 'MallBMSP' };
    const bKey = w.keys.get('MallBMSP')!;
    const vector = decodeShareVector(decryptBlob(shares.MallBMSP!, plaintextLength(3), bKey.secretKey, ctx), 3);
    vector[1] = { f: Fn.add(vector[1]!.f, 1n), g: vector[1]!.g };
    shares.MallBMSP = encryptBlob(encodeShareVector(vector), bKey.publicKey, ctx);
    const { request, transient } = asPrivateDeal(req);
    await w.call('SubmitDeal', request, client('MallAMSP'), { transient });
    for (const [i, mall] of w.participants.entries()) if (mall !== 'MallAMSP') await w.deal(mall, INPUTS[i]!);
    return w;
  }

  it('upholds a complaint with the hashed blob; the round gives the sum of the others', async () => {
    const w = await cheated();
    const blob = await w.blobFor('MallBMSP', 'MallAMSP');
    const ctx = { roundId: ROUND_ID, dealer: 'MallAMSP', recipient: 'MallBMSP' };
    const proof = proveComplaint(ctx, blob, 3, w.keys.get('MallBMSP')!.secretKey);
    const r = await w.call<{ bucket: number }>(
      'SubmitComplaint',
      { roundId: ROUND_ID, dealer: 'MallAMSP', blob, ...proof },
      client('MallBMSP'),
    );
    expect(r.result.bucket).toBe(1);
    for (const mall of ['MallBMSP', 'MallCMSP', 'MallDMSP']) expect((await w.partial(mall)).result.valid).toBe(true);
    const result = await w.finalize();
    expect(result.totals).toEqual(plainSums(INPUTS.slice(1)));
    expect(result.disqualified.map((d) => d.dealer)).toEqual(['MallAMSP']);
  });

  it('refuses a complaint without the blob, or with another blob than the hash names', async () => {
    const w = await cheated();
    const blob = await w.blobFor('MallBMSP', 'MallAMSP');
    const ctx = { roundId: ROUND_ID, dealer: 'MallAMSP', recipient: 'MallBMSP' };
    const proof = proveComplaint(ctx, blob, 3, w.keys.get('MallBMSP')!.secretKey);
    await expectRefused(
      w,
      w.call('SubmitComplaint', { roundId: ROUND_ID, dealer: 'MallAMSP', ...proof }, client('MallBMSP')),
      'INPUT_INVALID: blob: is required',
    );
    // A blob B forges itself (garbage encrypted to its own key): not the dealer's, so it cannot frame Mall A.
    const forged = encryptBlob(new Uint8Array(plaintextLength(3)), w.keys.get('MallBMSP')!.publicKey, ctx);
    const forgedProof = proveComplaint(ctx, forged, 3, w.keys.get('MallBMSP')!.secretKey);
    await expectRefused(
      w,
      w.call(
        'SubmitComplaint',
        { roundId: ROUND_ID, dealer: 'MallAMSP', blob: forged, ...forgedProof },
        client('MallBMSP'),
      ),
      "JOINTSTATS_SHARE_HASH: blob is not the one MallAMSP's deal names for MallBMSP",
    );
  });
});
