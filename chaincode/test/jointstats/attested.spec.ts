/**
 * Attested rounds: a deal cites, per bucket it contributes to, anchored traffic attestations of the dealer's own
 * devices over that bucket. Devices and attestations go through the real `devices` contract on the same stub ledger.
 */
import { DeviceContract } from '../../src/devices/device.contract';
import type { DealRecord } from '../../src/jointstats/round.model';
import { batch, entry, newKey, registerRequest } from '../support/devices-fixtures';
import type { TestKey } from '../support/dids-keys';
import { JointWorld, ROUND_ID, admin, client, plainSums } from '../support/jointstats-fixture';

const OPTS = { n: 3, t: 2, buckets: 2 };
const INPUTS = [
  [918_273, 104_729],
  [646_361, 323_231],
  [837_211, 419_999],
];
/** Bucket b of the round (60 min from 2026-03-01T00:00Z), as a statement period. */
const BUCKET = [
  { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-03-01T01:00:00Z' },
  { periodStart: '2026-03-01T01:00:00Z', periodEnd: '2026-03-01T02:00:00Z' },
];

interface District {
  w: JointWorld;
  counters: Map<string, TestKey>;
}

type Evidence = { deviceDid: string; seq: number }[][];

/** Three malls, one people counter each with seq 1 over bucket 0 and seq 2 over bucket 1 anchored; A's seq 3 lies on the day before. */
async function attestedDistrict(roundOverrides: Record<string, unknown> = { attested: true }): Promise<District> {
  const w = new JointWorld();
  const devices = new DeviceContract();
  const counters = new Map<string, TestKey>();
  w.ledger.now = Date.parse('2026-02-27T00:00:00Z');
  for (const msp of ['MallAMSP', 'MallBMSP', 'MallCMSP']) {
    const k = newKey();
    counters.set(msp, k);
    await w.ledger.invoke(devices, 'RegisterDevice', [registerRequest(k, msp)], admin(msp));
  }
  w.ledger.now = Date.parse('2026-03-01T02:00:00Z');
  for (const [msp, k] of counters) {
    const extra =
      msp === 'MallAMSP'
        ? [entry(k, k.did, 3, { periodStart: '2026-02-28T10:00:00Z', periodEnd: '2026-02-28T11:00:00Z' })]
        : [];
    await w.ledger.invoke(
      devices,
      'SubmitAttestations',
      [batch(entry(k, k.did, 1, BUCKET[0]), entry(k, k.did, 2, BUCKET[1]), ...extra)],
      client(msp),
    );
  }
  await w.call('ProposeRound', w.proposal(OPTS, roundOverrides), admin('MallAMSP'));
  w.participants = ['MallAMSP', 'MallBMSP', 'MallCMSP'];
  w.shape = { roundId: ROUND_ID, participants: w.participants, threshold: OPTS.t, buckets: OPTS.buckets };
  for (const m of w.participants) await w.join(m);
  return { w, counters };
}

function own(d: District, msp: string): Evidence {
  const did = d.counters.get(msp)!.did;
  return [[{ deviceDid: did, seq: 1 }], [{ deviceDid: did, seq: 2 }]];
}

async function deal(d: District, msp: string, evidence: Evidence | undefined, absent?: number[]): Promise<unknown> {
  const i = d.w.participants.indexOf(msp);
  const req = await d.w.dealRequest(msp, INPUTS[i]!, absent);
  return d.w.call('SubmitDeal', { ...req, ...(evidence ? { evidence } : {}) }, client(msp));
}

async function expectRefused(d: District, run: Promise<unknown>, message: string): Promise<void> {
  const before = d.w.ledger.dump();
  await expect(run).rejects.toThrow(message);
  expect(d.w.ledger.dump()).toEqual(before);
}

describe('jointstats: inputs bound to device attestations', () => {
  it('an attested round completes with every bucket citing the dealer’s anchored statements, kept with their hashes', async () => {
    const d = await attestedDistrict();
    expect((await d.w.round()).round).toMatchObject({ attested: true });
    for (const m of d.w.participants) await deal(d, m, own(d, m));
    const kept = (await d.w.call<DealRecord>('GetDeal', { roundId: ROUND_ID, dealer: 'MallBMSP' }, client('MallAMSP')))
      .result;
    const did = d.counters.get('MallBMSP')!.did;
    expect(kept.evidence).toEqual([
      [{ deviceDid: did, seq: 1, statementHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown }],
      [{ deviceDid: did, seq: 2, statementHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown }],
    ]);
    // The hash is the anchored one: what VerifyDigest / ListAttestations answer for that statement.
    const att = d.w.ledger.dump();
    const anchored = Object.entries(att).find(
      ([k]) => k.includes('att') && k.includes(did) && k.endsWith('0000000000000001'),
    );
    expect(JSON.stringify(anchored?.[1])).toContain(kept.evidence![0]![0]!.statementHash);
    for (const m of d.w.participants) await d.w.partial(m);
    expect((await d.w.finalize()).totals).toEqual(plainSums(INPUTS));
  });

  it('an absent bucket cites nothing; a contributed one must', async () => {
    const d = await attestedDistrict();
    const did = d.counters.get('MallAMSP')!.did;
    await expect(deal(d, 'MallAMSP', [[], [{ deviceDid: did, seq: 2 }]], [0])).resolves.toBeDefined();
  });

  // Every row has four entries: a test function with more parameters than its row would get jest's `done`.
  it.each<[string, (d: District) => Evidence | undefined, string, number[] | undefined]>([
    [
      'no evidence at all',
      () => undefined,
      'JOINTSTATS_UNATTESTED: round district-2026-03-01-visitors is attested',
      undefined,
    ],
    [
      'a contributed bucket citing nothing',
      (d) => [own(d, 'MallAMSP')[0]!, []],
      'JOINTSTATS_UNATTESTED: MallAMSP: bucket 1 cites no device attestation',
      undefined,
    ],
    [
      'another mall’s device',
      (d) => [own(d, 'MallAMSP')[0]!, own(d, 'MallBMSP')[1]!],
      'which is not a device of MallAMSP',
      undefined,
    ],
    [
      'a statement that is not anchored',
      (d) => [own(d, 'MallAMSP')[0]!, [{ deviceDid: d.counters.get('MallAMSP')!.did, seq: 9 }]],
      'seq 9, which is not anchored',
      undefined,
    ],
    [
      'a statement of another period',
      (d) => [[{ deviceDid: d.counters.get('MallAMSP')!.did, seq: 3 }], own(d, 'MallAMSP')[1]!],
      'bucket 0 cites',
      undefined,
    ],
    [
      'an unregistered device',
      (d) => [own(d, 'MallAMSP')[0]!, [{ deviceDid: newKey().did, seq: 1 }]],
      'which is not a device of MallAMSP',
      undefined,
    ],
    [
      'evidence for an absent bucket',
      (d) => own(d, 'MallAMSP'),
      'JOINTSTATS_SHAPE: bucket 0 is absent: it cites no evidence',
      [0],
    ],
    [
      'the same statement twice in a bucket',
      (d) => [own(d, 'MallAMSP')[0]!, [...own(d, 'MallAMSP')[1]!, ...own(d, 'MallAMSP')[1]!]],
      'INPUT_INVALID: evidence[1][1]: cites',
      undefined,
    ],
    [
      'evidence of the wrong length',
      (d) => [own(d, 'MallAMSP')[0]!],
      'INPUT_INVALID: evidence: must have at least 2',
      undefined,
    ],
  ])('refuses a deal with %s, naming it, writing nothing', async (_, evidence, message, absent) => {
    const d = await attestedDistrict();
    await expectRefused(d, deal(d, 'MallAMSP', evidence(d), absent), message);
    expect((await d.w.round()).dealt).toEqual([]);
  });

  it('the period message names the statement’s and the bucket’s times', async () => {
    const d = await attestedDistrict();
    const did = d.counters.get('MallAMSP')!.did;
    await expect(deal(d, 'MallAMSP', [[{ deviceDid: did, seq: 3 }], own(d, 'MallAMSP')[1]!])).rejects.toThrow(
      'whose period 2026-02-28T10:00:00Z–2026-02-28T11:00:00Z does not overlap the bucket 2026-03-01T00:00:00.000Z–2026-03-01T01:00:00.000Z',
    );
  });

  it('a round that is not attested takes no evidence, and records none', async () => {
    const d = await attestedDistrict({});
    expect((await d.w.round()).round).not.toHaveProperty('attested');
    await expectRefused(d, deal(d, 'MallAMSP', own(d, 'MallAMSP')), 'INPUT_INVALID: evidence: round');
    await deal(d, 'MallAMSP', undefined);
    const kept = (await d.w.call<DealRecord>('GetDeal', { roundId: ROUND_ID, dealer: 'MallAMSP' }, client('MallBMSP')))
      .result;
    expect(kept).not.toHaveProperty('evidence');
  });

  it('refuses a non-boolean attested flag', async () => {
    await expect(attestedDistrict({ attested: 'yes' })).rejects.toThrow(
      'INPUT_INVALID: attested: must be true or false',
    );
  });
});
