/**
 * Authorization matrix: every jointstats transaction × every identity, each cell on a fresh
 * world (a 3-mall round A, B, C). `ok` = committed; otherwise the error code the caller gets,
 * with nothing written.
 */
import { FORGED_ADMIN, IDS, Identity } from '../support/fake-stub';
import { JointWorld, ROUND_ID, admin, joinedWorld } from '../support/jointstats-fixture';
import {
  encodePartial,
  encryptBlob,
  generateShareKeyPair,
  plaintextLength,
  proveComplaint,
} from '../../src/jointstats/vss';
import type { DealRecord } from '../../src/jointstats/round.model';

type Outcome = 'ok' | 'AUTH_ROLE' | 'AUTH_FORBIDDEN' | 'JOINTSTATS_NOT_PARTICIPANT' | 'INPUT_INVALID';

const WHO: [string, Identity][] = [
  ['mallAAdmin', IDS.mallAAdmin],
  ['mallAClient', IDS.mallAClient],
  ['mallBAdmin', IDS.mallBAdmin],
  ['mallBClient', IDS.mallBClient],
  ['outsiderAdmin', admin('MallEMSP')],
  ['forgedAdmin', FORGED_ADMIN],
  ['unknown', IDS.unknown],
];
type Row = [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

const OPTS = { n: 3, t: 2, buckets: 1 };

interface Spec {
  /** Builds the world; the request is sent by the identity under test. */
  world: () => Promise<JointWorld>;
  request: (w: JointWorld, who: Identity) => Promise<unknown>;
  fn: string;
}

const proposed = async (): Promise<JointWorld> => {
  const w = new JointWorld();
  await w.propose(OPTS);
  return w;
};

const dealtBy = async (malls: string[]): Promise<JointWorld> => {
  const w = await joinedWorld(OPTS);
  for (const mall of malls) await w.deal(mall, [3]);
  return w;
};

/** Everyone dealt; Mall C published its partial, so one more makes t = 2. */
const aggregating = async (): Promise<JointWorld> => {
  const w = await dealtBy(['MallAMSP', 'MallBMSP', 'MallCMSP']);
  await w.partial('MallCMSP');
  return w;
};

/** Everyone dealt, but Mall C's blobs to A and B do not decrypt: A and B each have a founded complaint. */
const cheated = async (): Promise<JointWorld> => {
  const w = await dealtBy(['MallAMSP', 'MallBMSP']);
  const req = await w.dealRequest('MallCMSP', [5]);
  const shares = req.shares as Record<string, string>;
  for (const recipient of ['MallAMSP', 'MallBMSP']) {
    const ctx = { roundId: ROUND_ID, dealer: 'MallCMSP', recipient };
    shares[recipient] = encryptBlob(new Uint8Array(plaintextLength(1)), generateShareKeyPair().publicKey, ctx);
  }
  await w.call('SubmitDeal', req, admin('MallCMSP'));
  return w;
};

const specs: Record<string, Spec> = {
  ProposeRound: {
    fn: 'ProposeRound',
    world: () => Promise.resolve(new JointWorld()),
    request: (w, who) => Promise.resolve(w.proposal(OPTS, { participants: [who.mspId, 'MallCMSP', 'MallDMSP'] })),
  },
  JoinRound: {
    fn: 'JoinRound',
    world: proposed,
    request: () => Promise.resolve({ roundId: ROUND_ID, publicKey: generateShareKeyPair().publicKey }),
  },
  SubmitDeal: {
    fn: 'SubmitDeal',
    world: () => dealtBy(['MallCMSP']),
    // The deal is built for the caller's MSP where it takes part, Mall A's otherwise.
    request: (w, who) => w.dealRequest(w.participants.includes(who.mspId) ? who.mspId : 'MallAMSP', [4]),
  },
  SubmitPartial: {
    fn: 'SubmitPartial',
    world: aggregating,
    request: async (w, who) => ({
      roundId: ROUND_ID,
      values: encodePartial(await w.partialValues(w.participants.includes(who.mspId) ? who.mspId : 'MallAMSP')),
    }),
  },
  FinalizeRound: {
    fn: 'FinalizeRound',
    world: async () => {
      const w = await aggregating();
      await w.partial('MallBMSP');
      return w;
    },
    request: () => Promise.resolve({ roundId: ROUND_ID }),
  },
  SubmitComplaint: {
    fn: 'SubmitComplaint',
    world: cheated,
    // The complaint of the caller's mall where it takes part, Mall A's otherwise.
    request: async (w, who) => {
      const recipient = w.participants.includes(who.mspId) ? who.mspId : 'MallAMSP';
      const deal = (await w.call<DealRecord>('GetDeal', { roundId: ROUND_ID, dealer: 'MallCMSP' }, admin(recipient)))
        .result;
      const ctx = { roundId: ROUND_ID, dealer: 'MallCMSP', recipient };
      const proof = proveComplaint(ctx, deal.shares[recipient]!, 1, w.keys.get(recipient)!.secretKey);
      return { roundId: ROUND_ID, dealer: 'MallCMSP', ...proof };
    },
  },
  GetRound: { fn: 'GetRound', world: proposed, request: () => Promise.resolve({ roundId: ROUND_ID }) },
  GetDeal: {
    fn: 'GetDeal',
    world: () => dealtBy(['MallCMSP']),
    request: () => Promise.resolve({ roundId: ROUND_ID, dealer: 'MallCMSP' }),
  },
  GetDealShare: {
    fn: 'GetDealShare',
    world: async () => {
      const w = await joinedWorld({ ...OPTS, shareDelivery: 'private' });
      await w.deal('MallCMSP', [3]);
      return w;
    },
    request: () => Promise.resolve({ roundId: ROUND_ID, dealer: 'MallCMSP' }),
  },
  ListRounds: { fn: 'ListRounds', world: proposed, request: () => Promise.resolve({}) },
};

const PARTICIPANT_USER: Row = ['ok', 'ok', 'ok', 'ok', 'JOINTSTATS_NOT_PARTICIPANT', 'ok', 'AUTH_ROLE'];
const PARTICIPANT_ADMIN: Row = [
  'ok',
  'AUTH_ROLE',
  'ok',
  'AUTH_ROLE',
  'JOINTSTATS_NOT_PARTICIPANT',
  'AUTH_ROLE',
  'AUTH_ROLE',
];
const ORG_USER: Row = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'AUTH_ROLE'];

//                mallAAdmin  mallAClient  mallBAdmin  mallBClient  outsiderAdmin  forgedAdmin  unknown
const matrix: Record<string, Row> = {
  // Any mall admin may propose a round it takes part in (Mall E's round lists Mall E).
  ProposeRound: ['ok', 'AUTH_ROLE', 'ok', 'AUTH_ROLE', 'ok', 'AUTH_ROLE', 'AUTH_ROLE'],
  JoinRound: PARTICIPANT_ADMIN,
  SubmitDeal: PARTICIPANT_USER,
  SubmitPartial: PARTICIPANT_USER,
  FinalizeRound: PARTICIPANT_USER,
  SubmitComplaint: PARTICIPANT_USER,
  GetRound: ORG_USER,
  GetDeal: ORG_USER,
  // Only a participant's peer holds a blob for it (read from the caller's own implicit collection).
  GetDealShare: PARTICIPANT_USER,
  ListRounds: ORG_USER,
};

const cells = Object.entries(matrix).flatMap(([tx, row]) =>
  WHO.map(([name, who], i) => [tx, name, who, row[i] as Outcome] as const),
);

describe('jointstats: authorization matrix', () => {
  it.each(cells)('%s as %s', async (tx, _name, who, expected) => {
    const spec = specs[tx]!;
    const w = await spec.world();
    const request = await spec.request(w, who);
    const before = w.ledger.dump();
    const call = w.call(spec.fn, request, who);
    if (expected === 'ok') {
      const { txId } = await call;
      expect(txId).toMatch(/^tx\d+$/);
    } else {
      await expect(call).rejects.toThrow(`${expected}:`);
      expect(w.ledger.dump()).toEqual(before);
    }
  });

  it('has a row for every transaction', () => {
    const w = new JointWorld();
    const fns = Object.getOwnPropertyNames(Object.getPrototypeOf(w.contract) as object).filter(
      (n) => n !== 'constructor',
    );
    expect(fns.sort()).toEqual(Object.keys(matrix).sort());
  });
});
