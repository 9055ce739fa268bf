/**
 * Whole rounds on the stub: every mall deals, opens its blobs, publishes a partial the chaincode
 * verifies; t valid partials give exactly the plain sums, and the result says who took part.
 */
import { Fn, encodeScalar } from '../../src/jointstats/vss';
import { HOUR, JointWorld, ROUND_ID, client, joinedWorld, plainSums } from '../support/jointstats-fixture';

// Distinctive figures, so a scan of the ledger for them means something.
const INPUTS = [
  [918_273, 104_729, 771_113],
  [646_361, 323_231, 552_749],
  [837_211, 419_999, 260_317],
  [712_487, 299_993, 884_423],
  [503_347, 611_953, 177_787],
];

/** Every number and string anywhere in a JSON value. */
function leaves(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [value];
}

/**
 * No mall's figure appears anywhere on the ledger or in any event: not as a number, not as a
 * decimal string, not as the 64-hex scalar a share encoding would give it. (A substring scan
 * of the decimal digits would be flaky: random hex contains any 6-digit run now and then.)
 */
function expectNoPlainInput(w: JointWorld, inputs: number[][]): void {
  const all = leaves({ state: w.ledger.dump(), events: w.ledger.events });
  expect(all.length).toBeGreaterThan(100);
  for (const v of inputs.flat()) {
    const scalar = encodeScalar(BigInt(v));
    expect(all.filter((x) => x === v || x === String(v) || (typeof x === 'string' && x.includes(scalar)))).toEqual([]);
  }
}

describe('jointstats: full rounds', () => {
  it.each([
    [3, 2],
    [5, 3],
  ])('%i malls, t = %i: the totals are the plain sums, nobody’s figure is on the ledger', async (n, t) => {
    const w = await joinedWorld({ n, t, buckets: 3 });
    const inputs = INPUTS.slice(0, n);
    expect((await w.round()).phase).toBe('dealing');
    for (const [i, mall] of w.participants.entries()) await w.deal(mall, inputs[i]!);
    expect((await w.round()).phase).toBe('aggregating');
    for (const mall of w.participants) {
      const { result, event } = await w.partial(mall);
      expect(result).toMatchObject({ valid: true, invalidBuckets: [] });
      expect(event?.name).toBe('mallchain.changes');
    }
    const { result, event } = await w.call('FinalizeRound', { roundId: ROUND_ID }, client('MallBMSP'));
    expect(result).toMatchObject({
      roundId: ROUND_ID,
      totals: plainSums(inputs),
      contributors: [n, n, n],
      suppressed: [],
      outOfRange: [],
      dealers: w.participants,
      neverDealt: [],
      noPartial: [],
      invalidPartials: [],
      partialsUsed: w.participants.slice(0, t),
    });
    expect(event).toMatchObject({ name: 'mallchain.changes', payload: { fn: 'FinalizeRound' } });
    expect((await w.round()).phase).toBe('final');
    expectNoPlainInput(w, inputs);
  });

  it('every transaction emits exactly one event listing its one write', async () => {
    const w = await joinedWorld({ n: 3, t: 2, buckets: 1 });
    const before = w.ledger.events.length;
    for (const [i, mall] of w.participants.entries()) await w.deal(mall, [i + 10]);
    expect(w.ledger.events.slice(before).map((e) => (e.payload as { changes: unknown[] }).changes.length)).toEqual([
      1, 1, 1,
    ]);
  });

  it('a mall silent after dealing does not stop the round (t = 2 of 3)', async () => {
    const w = await joinedWorld({ n: 3, t: 2, buckets: 2 });
    const inputs = [
      [120, 7],
      [340, 9],
      [560, 11],
    ];
    for (const [i, mall] of w.participants.entries()) await w.deal(mall, inputs[i]!);
    await w.partial('MallAMSP');
    await expect(w.finalize()).rejects.toThrow('JOINTSTATS_TOO_FEW_PARTIALS: ');
    await w.partial('MallBMSP');
    const result = await w.finalize();
    expect(result.totals).toEqual(plainSums(inputs));
    expect(result.noPartial).toEqual(['MallCMSP']);
    expect(result.dealers).toEqual(['MallAMSP', 'MallBMSP', 'MallCMSP']);
  });

  it('a mall that never dealt is left out and named once the deadline passes', async () => {
    const w = await joinedWorld({ n: 4, t: 2, buckets: 2 });
    const inputs = [
      [5, 50],
      [6, 60],
      [7, 70],
    ];
    for (const [i, mall] of ['MallAMSP', 'MallBMSP', 'MallCMSP'].entries()) await w.deal(mall, inputs[i]!);
    // Dealing is still open for Mall D: a partial now is refused.
    await expect(w.partial('MallAMSP')).rejects.toThrow('JOINTSTATS_PHASE: ');
    w.ledger.advance(HOUR);
    await w.partial('MallDMSP'); // Mall D never dealt but holds shares of the others.
    await w.partial('MallCMSP');
    const result = await w.finalize();
    expect(result.totals).toEqual(plainSums(inputs));
    expect(result.neverDealt).toEqual(['MallDMSP']);
    expect(result.dealers).toEqual(['MallAMSP', 'MallBMSP', 'MallCMSP']);
    expect(result.partialsUsed).toEqual(['MallCMSP', 'MallDMSP']);
  });

  it('a wrong partial is detected, recorded with the mall named, and never counted', async () => {
    const w = await joinedWorld({ n: 3, t: 2, buckets: 3 });
    const inputs = INPUTS.slice(0, 3);
    for (const [i, mall] of w.participants.entries()) await w.deal(mall, inputs[i]!);
    const bad = await w.partial('MallBMSP', (values) =>
      values.map((v, b) => (b === 1 && v ? { f: Fn.add(v.f, 1n), g: v.g } : v)),
    );
    expect(bad.result).toMatchObject({ valid: false, invalidBuckets: [1] });
    expect((await w.round()).partials).toEqual([
      { participant: 'MallBMSP', valid: false, current: true, invalidBuckets: [1] },
    ]);
    await w.partial('MallAMSP');
    // One valid partial and one invalid one are not enough.
    await expect(w.finalize()).rejects.toThrow(
      'JOINTSTATS_TOO_FEW_PARTIALS: round district-2026-03-01-visitors has 1 valid',
    );
    // Mall B may not replace its recorded partial.
    await expect(w.partial('MallBMSP')).rejects.toThrow('JOINTSTATS_DUPLICATE: ');
    await w.partial('MallCMSP');
    const result = await w.finalize();
    expect(result.totals).toEqual(plainSums(inputs));
    expect(result.invalidPartials).toEqual([{ participant: 'MallBMSP', buckets: [1] }]);
    expect(result.partialsUsed).toEqual(['MallAMSP', 'MallCMSP']);
  });

  it('a bucket with fewer than minContributors dealers is suppressed before any partial', async () => {
    const w = await joinedWorld({ n: 4, t: 3, buckets: 3 });
    const inputs = [
      [10, 20, 30],
      [11, 21, 31],
      [12, 22, 32],
      [13, 23, 33],
    ];
    // Bucket 0: only A and B have figures; bucket 2: D has none (3 contributors remain).
    const absent: Record<number, number[]> = { 2: [0, 2], 3: [0] };
    for (const [i, mall] of w.participants.entries()) await w.deal(mall, inputs[i]!, absent[i]);
    expect((await w.round()).suppressed).toEqual([0]);
    // A partial that carries a value for the suppressed bucket is refused (it would help reveal it).
    const before = w.ledger.dump();
    await expect(
      w.partial('MallAMSP', (values) => values.map((v, b) => (b === 0 ? { f: 1n, g: 1n } : v))),
    ).rejects.toThrow('JOINTSTATS_SMALL_GROUP: ');
    expect(w.ledger.dump()).toEqual(before);
    for (const mall of ['MallAMSP', 'MallBMSP', 'MallCMSP']) await w.partial(mall);
    const result = await w.finalize();
    expect(result.totals).toEqual([null, 20 + 21 + 22 + 23, 30 + 31 + 33]);
    expect(result.contributors).toEqual([2, 4, 3]);
    expect(result.suppressed).toEqual([0]);
    expect(result.blindings[0]).toBeNull();
  });

  it('lists rounds, optionally by participant', async () => {
    const w = await joinedWorld({ n: 3, t: 2, buckets: 1 });
    const all = await w.call<{ rounds: { roundId: string }[] }>('ListRounds', {}, client('MallBMSP'));
    expect(all.result.rounds.map((r) => r.roundId)).toEqual([ROUND_ID]);
    const none = await w.call<{ rounds: unknown[] }>('ListRounds', { participant: 'MallEMSP' }, client('MallBMSP'));
    expect(none.result.rounds).toEqual([]);
  });
});
