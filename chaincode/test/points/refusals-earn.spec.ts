/**
 * Refusals of the issuer's bookkeeping (accrual, batches, reversal, expiry): each writes
 * nothing and emits nothing.
 */
import { DAY_MS } from '../../src/common/clock';
import { IDS } from '../support/fake-stub';
import { Case, EARN_TXS, S, expectRefusal, seed } from '../support/points-refusals';
import { A } from '../support/points-fixture';

beforeAll(seed);

const acc = (over: Record<string, unknown>) => (): unknown => ({
  programId: A,
  member: S.w.alice.did,
  amount: 10,
  sourceRef: 'new-1',
  ...over,
});

const cases: Case[] = [
  ['Accrue', 'a negative amount', acc({ amount: -5 }), IDS.mallAClient, 'INPUT_INVALID: amount: must be at least 1'],
  ['Accrue', 'a zero amount', acc({ amount: 0 }), IDS.mallAClient, 'INPUT_INVALID: amount: must be at least 1'],
  [
    'Accrue',
    'a huge amount',
    acc({ amount: 1e12 }),
    IDS.mallAClient,
    'INPUT_INVALID: amount: must be at most 1000000000',
  ],
  ['Accrue', 'a fractional amount', acc({ amount: 1.5 }), IDS.mallAClient, 'INPUT_INVALID: amount: must be an integer'],
  ['Accrue', 'a string amount', acc({ amount: '10' }), IDS.mallAClient, 'INPUT_INVALID: amount: must be an integer'],
  [
    'Accrue',
    'a member that is not a DID',
    acc({ member: '13800000000' }),
    IDS.mallAClient,
    'INPUT_INVALID: member: must be a DID',
  ],
  [
    'Accrue',
    'an unknown member',
    acc({ member: 'did:mallchain:nobody' }),
    IDS.mallAClient,
    'NOT_FOUND: member DID did:mallchain:nobody',
  ],
  ['Accrue', 'a deactivated member', () => acc({ member: S.dave.did })(), IDS.mallAClient, 'POINTS_MEMBER_INACTIVE'],
  ['Accrue', 'an unknown program', acc({ programId: 'NOPE' }), IDS.mallAClient, 'NOT_FOUND: program NOPE'],
  ['Accrue', 'an unknown merchant', acc({ merchant: 'nope' }), IDS.mallAClient, 'NOT_FOUND: merchant nope'],
  [
    'Accrue',
    "another program's merchant",
    acc({ merchant: 'b-food' }),
    IDS.mallAClient,
    'INPUT_INVALID: merchant: b-food earns through B-PTS',
  ],
  ['Accrue', 'the wrong org', acc({}), IDS.mallBClient, 'AUTH_FORBIDDEN: only MallAMSP may do this'],
  [
    'Accrue',
    'a missing sourceRef',
    acc({ sourceRef: undefined }),
    IDS.mallAClient,
    'INPUT_INVALID: sourceRef: must be a string',
  ],
  [
    'Accrue',
    'an attestation reference that is not an object',
    acc({ attestation: 'did:mallchain:p#1' }),
    IDS.mallAClient,
    'INPUT_INVALID: attestation: must be a JSON object',
  ],
  [
    'Accrue',
    'an attestation reference naming no DID',
    acc({ attestation: { deviceDid: 'printer-1', seq: 1 } }),
    IDS.mallAClient,
    'INPUT_INVALID: attestation.deviceDid: must be a DID',
  ],
  [
    'Accrue',
    'an attestation reference with seq 0',
    acc({ attestation: { deviceDid: 'did:mallchain:p1', seq: 0 } }),
    IDS.mallAClient,
    'INPUT_INVALID: attestation.seq: must be at least 1',
  ],
  [
    'Accrue',
    'an attestation reference with an extra member',
    acc({ attestation: { deviceDid: 'did:mallchain:p1', seq: 1, digest: 'x' } }),
    IDS.mallAClient,
    'INPUT_INVALID: attestation: unsupported member "digest"',
  ],
  [
    'AccrueBatch',
    'a bad attestation reference in one item',
    () => ({
      programId: A,
      items: [
        { member: S.w.alice.did, amount: 1, sourceRef: 'g1', attestation: { deviceDid: 'did:mallchain:p1', seq: 1 } },
        { member: S.w.alice.did, amount: 1, sourceRef: 'g2', attestation: { deviceDid: 'did:mallchain:p1', seq: 1.5 } },
      ],
    }),
    IDS.mallAClient,
    'INPUT_INVALID: items[1].attestation.seq: must be an integer',
  ],
  [
    'AccrueBatch',
    'no items',
    { programId: A, items: [] },
    IDS.mallAClient,
    'INPUT_INVALID: items: must have at least 1 item(s)',
  ],
  [
    'AccrueBatch',
    'items that are not an array',
    { programId: A, items: {} },
    IDS.mallAClient,
    'INPUT_INVALID: items: must be an array',
  ],
  [
    'AccrueBatch',
    '501 items',
    () => ({
      programId: A,
      items: Array.from({ length: 501 }, (_, i) => ({ member: S.w.alice.did, amount: 1, sourceRef: `s${i}` })),
    }),
    IDS.mallAClient,
    'INPUT_INVALID: items: must have at most 500 items',
  ],
  [
    'AccrueBatch',
    'one bad item among good ones',
    () => ({
      programId: A,
      items: [
        { member: S.w.alice.did, amount: 1, sourceRef: 'g1' },
        { member: S.w.alice.did, amount: -1, sourceRef: 'g2' },
      ],
    }),
    IDS.mallAClient,
    'INPUT_INVALID: items[1].amount: must be at least 1',
  ],
  [
    'AccrueBatch',
    'an item that is not an object',
    { programId: A, items: [5] },
    IDS.mallAClient,
    'INPUT_INVALID: items[0]: must be a JSON object',
  ],
  [
    'AccrueBatch',
    'one unknown member among good ones',
    () => ({
      programId: A,
      items: [
        { member: S.w.alice.did, amount: 1, sourceRef: 'g1' },
        { member: S.stranger, amount: 1, sourceRef: 'g2' },
      ],
    }),
    IDS.mallAClient,
    'NOT_FOUND: member DID',
  ],
  [
    'Reverse',
    'an unknown sourceRef',
    { programId: A, sourceRef: 'nope', reversalRef: 'rv1' },
    IDS.mallAClient,
    'NOT_FOUND: accrual A-PTS/nope',
  ],
  [
    'Reverse',
    'more than remains',
    { programId: A, sourceRef: 'r1', reversalRef: 'rv1', amount: 291 },
    IDS.mallAClient,
    'POINTS_INSUFFICIENT: cannot reverse 291 points of r1: 290 remain',
  ],
  [
    'Reverse',
    'a full reversal of a partly spent lot',
    { programId: A, sourceRef: 'r1', reversalRef: 'rv1' },
    IDS.mallAClient,
    'POINTS_INSUFFICIENT: cannot reverse 300',
  ],
  [
    'Reverse',
    'a zero amount',
    { programId: A, sourceRef: 'r1', reversalRef: 'rv1', amount: 0 },
    IDS.mallAClient,
    'INPUT_INVALID: amount: must be at least 1',
  ],
  [
    'Reverse',
    'the wrong org',
    { programId: A, sourceRef: 'r1', reversalRef: 'rv1', amount: 1 },
    IDS.mallBAdmin,
    'AUTH_FORBIDDEN',
  ],
  ['Expire', 'a zero limit', { programId: A, limit: 0 }, IDS.mallAClient, 'INPUT_INVALID: limit: must be at least 1'],
  [
    'Expire',
    'a limit over the batch size',
    { programId: A, limit: 501 },
    IDS.mallAClient,
    'INPUT_INVALID: limit: must be at most 500',
  ],
  ['Expire', 'an unknown program', { programId: 'NOPE' }, IDS.mallAClient, 'NOT_FOUND: program NOPE'],
  ['Expire', 'the wrong org', { programId: A }, IDS.mallBAdmin, 'AUTH_FORBIDDEN'],
];

describe('points: refusals of accrual, reversal and expiry', () => {
  it.each(cases)('%s refuses %s', async (...c) => {
    await expectRefusal(c);
  });

  it('has cases for each of its transactions', () => {
    expect([...new Set(cases.map(([fn]) => fn))].sort()).toEqual([...EARN_TXS].sort());
  });

  it('a refused accrual after time passes still writes nothing', async () => {
    S.w.ledger.advance(DAY_MS);
    await expectRefusal(['Accrue', 'unknown member', acc({ member: S.stranger }), IDS.mallAClient, 'NOT_FOUND']);
  });
});
