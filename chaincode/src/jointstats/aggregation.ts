/**
 * Partial sums and their reconstruction. Participant j's partial for bucket b is
 * (F_j, G_j) = Σ_{i∈Q_b} (f_{i,b}(j), g_{i,b}(j)) over the dealers Q_b counted in b; it is
 * checked against the sum of those dealers' commitments, and any t valid partials interpolate
 * at 0 to the bucket's total (and to the total blinding, which opens Σ C_{i,b,0}).
 */
import { Fn, G, H, Point, decodeScalar, encodeScalar, mul } from './group';
import { Share, aggregateCommitments, verifyShare } from './pedersen';
import { interpolateAtZero } from './polynomial';

/** A partial as it travels: per bucket `[f, g]` in hex, or null for a suppressed bucket. */
export type EncodedPartial = ([string, string] | null)[];

/** Per bucket, the dealers' share vectors to add (each already verified by its recipient). */
export function sumShares(perBucket: readonly (readonly Share[])[]): Share[] {
  return perBucket.map((shares) =>
    shares.reduce<Share>((acc, s) => ({ f: Fn.add(acc.f, s.f), g: Fn.add(acc.g, s.g) }), { f: 0n, g: 0n }),
  );
}

export function encodePartial(values: readonly (Share | null)[]): EncodedPartial {
  return values.map((v) => (v === null ? null : [encodeScalar(v.f), encodeScalar(v.g)]));
}

/** A partial that does not fit the round; `suppressedBucket` when it carries a value for a suppressed bucket. */
export class PartialShapeError extends RangeError {
  override readonly name = 'PartialShapeError';

  constructor(
    message: string,
    readonly suppressedBucket = false,
  ) {
    super(message);
  }
}

/** Decodes a partial; `suppressed[b]` says which buckets must be null (and the others must not). */
export function decodePartial(raw: unknown, suppressed: readonly boolean[]): (Share | null)[] {
  if (!Array.isArray(raw) || raw.length !== suppressed.length) {
    throw new PartialShapeError(`partial must be an array of ${suppressed.length} buckets`);
  }
  return raw.map((entry: unknown, b) => {
    if (suppressed[b]) {
      if (entry !== null) {
        throw new PartialShapeError(`partial[${b}] must be null: the bucket has too few contributors`, true);
      }
      return null;
    }
    if (!Array.isArray(entry) || entry.length !== 2) throw new PartialShapeError(`partial[${b}] must be [f, g]`);
    return { f: decodeScalar(entry[0], `partial[${b}][0]`), g: decodeScalar(entry[1], `partial[${b}][1]`) };
  });
}

/**
 * Per bucket, the commitments to Σ_{i∈Q_b} f_i and Σ g_i; null where the bucket is suppressed.
 * `deals[i][b]` are dealer i's commitments, `counted[b]` the indexes of the dealers in Q_b.
 */
export function bucketCommitments(
  deals: readonly (readonly (readonly Point[])[])[],
  counted: readonly (readonly number[] | null)[],
  threshold: number,
): (Point[] | null)[] {
  return counted.map((dealers, b) =>
    dealers === null
      ? null
      : aggregateCommitments(
          dealers.map((i) => deals[i]?.[b] ?? []),
          threshold,
        ),
  );
}

/** Buckets where the partial at x does not open the aggregated commitments (empty = valid). */
export function invalidBuckets(
  aggregated: readonly (readonly Point[] | null)[],
  x: bigint,
  partial: readonly (Share | null)[],
): number[] {
  const bad: number[] = [];
  aggregated.forEach((commitments, b) => {
    const value = partial[b];
    if (commitments === null) return;
    if (!value || !verifyShare(commitments, x, value)) bad.push(b);
  });
  return bad;
}

/** One bucket's reconstructed total and blinding (null where suppressed). */
export type Total = Share | null;

/** Interpolates each bucket at 0 from exactly t partials `{ x, values }`. */
export function reconstruct(
  partials: readonly { x: bigint; values: readonly (Share | null)[] }[],
  threshold: number,
): Total[] {
  if (partials.length !== threshold) throw new RangeError(`exactly ${threshold} partials are needed`);
  const buckets = partials[0]?.values.length ?? 0;
  return Array.from({ length: buckets }, (_, b) => {
    if (partials.some((p) => p.values[b] === null || p.values[b] === undefined)) return null;
    const f = interpolateAtZero(partials.map((p) => ({ x: p.x, y: p.values[b]?.f ?? 0n })));
    const g = interpolateAtZero(partials.map((p) => ({ x: p.x, y: p.values[b]?.g ?? 0n })));
    return { f, g };
  });
}

/** Whether a total and its blinding open the sum of the counted dealers' input commitments C_{i,b,0}. */
export function verifyTotal(aggregatedConstant: Point, total: Share): boolean {
  return mul(G, total.f).add(mul(H, total.g)).equals(aggregatedConstant);
}
