import fc from 'fast-check';
import {
  DealMessage,
  DealSecrets,
  Fn,
  G,
  H,
  ORDER,
  RoundShape,
  Share,
  ShareError,
  bucketCommitments,
  createDeal,
  decodeCommitments,
  decodePartial,
  encodePartial,
  encodeShareVector,
  encryptBlob,
  evaluate,
  generateShareKeyPair,
  indexOf,
  interpolateAtZero,
  invalidBuckets,
  mul,
  openDealShares,
  randomScalar,
  reconstruct,
  sumShares,
  verifyTotal,
} from './vss';

interface Mall {
  id: string;
  keys: { secretKey: string; publicKey: string };
}

interface Played {
  round: RoundShape;
  values: bigint[][];
  deals: { message: DealMessage; secrets: DealSecrets }[];
  partials: (Share | null)[][];
  aggregated: ReturnType<typeof bucketCommitments>;
}

const malls = (n: number): Mall[] =>
  Array.from({ length: n }, (_, i) => ({ id: `Mall${String.fromCharCode(65 + i)}MSP`, keys: generateShareKeyPair() }));

/** Every mall deals, opens what it received (verifying it) and adds it up. */
function play(n: number, t: number, values: bigint[][]): Played {
  const ms = malls(n);
  const round: RoundShape = {
    roundId: 'r1',
    participants: ms.map((m) => m.id),
    threshold: t,
    buckets: values[0]!.length,
  };
  const keys = Object.fromEntries(ms.map((m) => [m.id, m.keys.publicKey]));
  const deals = ms.map((m, i) => createDeal(round, m.id, values[i]!, keys));
  const commitments = deals.map((d) => decodeCommitments(d.message.commitments, round.buckets, t));
  const partials = ms.map((me, j) => {
    const vectors = ms.map((dealer, i) =>
      i === j
        ? deals[i]!.secrets.own
        : openDealShares(round, dealer.id, me.id, commitments[i]!, deals[i]!.message.shares[me.id]!, me.keys.secretKey),
    );
    return sumShares(Array.from({ length: round.buckets }, (_, b) => vectors.map((v) => v[b]!)));
  });
  const everyone = ms.map((_, i) => i);
  const aggregated = bucketCommitments(
    commitments,
    Array.from({ length: round.buckets }, () => everyone),
    t,
  );
  return { round, values, deals, partials, aggregated };
}

const count = fc.bigInt({ min: 0n, max: 100_000n });

describe('jointstats VSS: reconstruction', () => {
  it('any t valid partials give exactly the plain per-bucket sum', () => {
    fc.assert(
      fc.property(
        fc
          .record({ n: fc.integer({ min: 3, max: 5 }), buckets: fc.integer({ min: 1, max: 3 }) })
          .chain(({ n, buckets }) =>
            fc.record({
              n: fc.constant(n),
              t: fc.integer({ min: 2, max: n }),
              values: fc.array(fc.array(count, { minLength: buckets, maxLength: buckets }), {
                minLength: n,
                maxLength: n,
              }),
              subsetSeed: fc.array(fc.nat(), { minLength: n, maxLength: n }),
            }),
          ),
        ({ n, t, values, subsetSeed }) => {
          const played = play(n, t, values);
          // A random subset of t partial holders, in random order.
          const chosen = played.round.participants
            .map((id, j) => ({ id, j, key: subsetSeed[j]! }))
            .sort((a, b) => a.key - b.key || a.j - b.j)
            .slice(0, t);
          chosen.forEach(({ j }) => {
            expect(invalidBuckets(played.aggregated, BigInt(j + 1), played.partials[j]!)).toEqual([]);
          });
          const totals = reconstruct(
            chosen.map(({ j }) => ({ x: BigInt(j + 1), values: played.partials[j]! })),
            t,
          );
          const plain = values[0]!.map((_, b) => values.reduce((acc, v) => acc + v[b]!, 0n));
          expect(totals.map((x) => x?.f)).toEqual(plain);
          totals.forEach((total, b) => {
            expect(verifyTotal(played.aggregated[b]![0]!, total!)).toBe(true);
          });
        },
      ),
      { numRuns: 12 },
    );
  });

  it('fewer or more than t partials are refused by reconstruct', () => {
    const p = play(3, 2, [[1n], [2n], [3n]]);
    expect(() => reconstruct([{ x: 1n, values: p.partials[0]! }], 2)).toThrow('exactly 2 partials');
    expect(() =>
      interpolateAtZero([
        { x: 1n, y: 1n },
        { x: 1n, y: 2n },
      ]),
    ).toThrow('distinct');
  });
});

describe('jointstats VSS: tampering is detected and attributed', () => {
  it('a dealer who sends a share off its commitments is named, with the bucket', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.bigInt({ min: 1n, max: ORDER - 1n }), (bucket, delta) => {
        const ms = malls(3);
        const round: RoundShape = { roundId: 'r1', participants: ms.map((m) => m.id), threshold: 2, buckets: 3 };
        const keys = Object.fromEntries(ms.map((m) => [m.id, m.keys.publicKey]));
        const deal = createDeal(round, ms[0]!.id, [5n, 6n, 7n], keys);
        const commitments = decodeCommitments(deal.message.commitments, 3, 2);
        // The dealer re-encrypts a share vector with one value moved by delta.
        const honest = openDealShares(
          round,
          ms[0]!.id,
          ms[1]!.id,
          commitments,
          deal.message.shares[ms[1]!.id]!,
          ms[1]!.keys.secretKey,
        );
        const bad = honest.map((s, b) => (b === bucket ? { f: Fn.add(s.f, delta), g: s.g } : s));
        const blob = encryptBlob(encodeShareVector(bad), ms[1]!.keys.publicKey, {
          roundId: 'r1',
          dealer: ms[0]!.id,
          recipient: ms[1]!.id,
        });
        let error: unknown;
        try {
          openDealShares(round, ms[0]!.id, ms[1]!.id, commitments, blob, ms[1]!.keys.secretKey);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ShareError);
        expect((error as ShareError).dealer).toBe(ms[0]!.id);
        expect((error as ShareError).bucket).toBe(bucket);
      }),
      { numRuns: 8 },
    );
  });

  it('a tampered partial fails exactly in the tampered buckets of exactly that mall', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 1 }),
        fc.boolean(),
        fc.bigInt({ min: 1n, max: ORDER - 1n }),
        (mall, bucket, onBlinding, delta) => {
          const p = play(4, 3, [
            [1n, 2n],
            [3n, 4n],
            [5n, 6n],
            [7n, 8n],
          ]);
          const tampered = p.partials[mall]!.map((s, b) =>
            b === bucket && s
              ? onBlinding
                ? { f: s.f, g: Fn.add(s.g, delta) }
                : { f: Fn.add(s.f, delta), g: s.g }
              : s,
          );
          p.partials.forEach((values, j) => {
            const checked = j === mall ? tampered : values;
            expect(invalidBuckets(p.aggregated, BigInt(j + 1), checked)).toEqual(j === mall ? [bucket] : []);
          });
          // Another mall's valid partial presented under the wrong index is refused too.
          expect(invalidBuckets(p.aggregated, BigInt(((mall + 1) % 4) + 1), p.partials[mall]!)).toEqual([0, 1]);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('a blob that fails to decrypt is attributed to its dealer', () => {
    const p = play(3, 2, [[1n], [2n], [3n]]);
    const commitments = decodeCommitments(p.deals[0]!.message.commitments, 1, 2);
    const blob = p.deals[0]!.message.shares[p.round.participants[1]!]!;
    const wrongKey = generateShareKeyPair().secretKey;
    expect(() => openDealShares(p.round, 'MallAMSP', 'MallBMSP', commitments, blob, wrongKey)).toThrow(ShareError);
    expect(() => openDealShares(p.round, 'MallAMSP', 'MallBMSP', commitments, blob, wrongKey)).toThrow(/^MallAMSP: /);
  });
});

describe('jointstats VSS: what t−1 shares and the commitments reveal', () => {
  it('t−1 shares are consistent with every secret: for each candidate exactly one polynomial fits them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), count, count, (t, secret, other) => {
        const f = [secret, ...Array.from({ length: t - 1 }, randomScalar)];
        const seen = Array.from({ length: t - 1 }, (_, i) => ({ x: BigInt(i + 1), y: evaluate(f, BigInt(i + 1)) }));
        // Both candidates have a polynomial of degree < t through the same t−1 shares. The map
        // (a_1..a_{t-1}) -> shares is a bijection for every secret, so the shares are uniform
        // whatever the secret: t−1 colluders learn nothing about it.
        for (const candidate of [secret, other]) {
          const coefficients = coefficientsThrough([{ x: 0n, y: candidate }, ...seen]);
          expect(coefficients).toHaveLength(t);
          expect(evaluate(coefficients, 0n)).toBe(candidate);
          seen.forEach(({ x, y }) => {
            expect(evaluate(coefficients, x)).toBe(y);
          });
        }
      }),
      { numRuns: 20 },
    );
  });

  it('a Pedersen input commitment defeats the brute force that opens a Feldman commitment', () => {
    const x = 1234n; // people per hour: a small number
    const r = randomScalar();
    const feldman = mul(G, x);
    const pedersen = mul(G, x).add(mul(H, r));
    const search = (target: typeof G): bigint | undefined => {
      let acc = G;
      for (let c = 1n; c <= 5000n; c++, acc = acc.add(G)) {
        if (acc.equals(target)) return c;
      }
      return undefined;
    };
    expect(search(feldman)).toBe(x);
    expect(search(pedersen)).toBeUndefined();
  });

  it('H is the fixed hash-to-curve point, distinct from G and from its small multiples', () => {
    expect(H.toHex(true)).toMatch(/^0[23][0-9a-f]{64}$/);
    let acc = G;
    for (let k = 1; k <= 1000; k++) {
      expect(acc.equals(H)).toBe(false);
      acc = acc.add(G);
    }
  });
});

/** Coefficients of the polynomial of degree < points.length through `points` (Lagrange basis, expanded). */
function coefficientsThrough(points: { x: bigint; y: bigint }[]): bigint[] {
  const out: bigint[] = points.map(() => 0n);
  points.forEach((pj, j) => {
    let basis: bigint[] = [1n];
    let den = 1n;
    points.forEach((pm, m) => {
      if (m === j) return;
      // basis *= (x - x_m)
      const next = [...basis.map((c) => Fn.neg(Fn.mul(c, pm.x))), 0n];
      basis.forEach((c, k) => (next[k + 1] = Fn.add(next[k + 1]!, c)));
      basis = next;
      den = Fn.mul(den, Fn.sub(pj.x, pm.x));
    });
    const scale = Fn.div(pj.y, den);
    basis.forEach((c, k) => (out[k] = Fn.add(out[k]!, Fn.mul(c, scale))));
  });
  return out;
}

describe('jointstats VSS: partial encoding', () => {
  it('round-trips and refuses values for suppressed buckets or missing values for counted ones', () => {
    const values: (Share | null)[] = [{ f: 1n, g: 2n }, null];
    const encoded = encodePartial(values);
    expect(decodePartial(encoded, [false, true])).toEqual(values);
    expect(() => decodePartial(encoded, [false, false])).toThrow('partial[1] must be [f, g]');
    expect(() => decodePartial([encoded[0], encoded[0]], [false, true])).toThrow('too few contributors');
    expect(() => decodePartial(encoded, [false])).toThrow('array of 1 buckets');
  });

  it('indexOf refuses a non-participant', () => {
    expect(() => indexOf({ roundId: 'r', participants: ['A'], threshold: 1, buckets: 1 }, 'B')).toThrow(
      'does not take part',
    );
  });
});

describe('jointstats VSS: dealer input checks', () => {
  const round: RoundShape = { roundId: 'r', participants: ['A', 'B', 'C'], threshold: 2, buckets: 2 };
  const keys = { B: generateShareKeyPair().publicKey, C: generateShareKeyPair().publicKey };

  it('refuses a vector of the wrong length, values that are not counts, and a recipient without a key', () => {
    expect(() => createDeal(round, 'A', [1n], keys)).toThrow('expected 2 values, got 1');
    expect(() => createDeal(round, 'A', [1n, -1n], keys)).toThrow('0..2^53-1');
    expect(() => createDeal(round, 'A', [1n, 2n ** 53n], keys)).toThrow('0..2^53-1');
    expect(() => createDeal(round, 'A', [1n, 2n], { B: keys.B })).toThrow('no share key for C');
  });

  it('refuses commitments of the wrong shape', () => {
    const { message } = createDeal(round, 'A', [1n, 2n], keys);
    expect(() => decodeCommitments(message.commitments.slice(1), 2, 2)).toThrow('array of 2 buckets');
    expect(() => decodeCommitments([message.commitments[0], ['x']], 2, 2)).toThrow('commitments[1] must hold 2 points');
  });
});
