/**
 * Pedersen commitments to polynomial coefficients: C_k = a_k·G + b_k·H, where f = Σ a_k x^k
 * shares the secret and g = Σ b_k x^k only blinds. Unlike Feldman's a_k·G, C_0 reveals nothing
 * about a_0 even to someone who can try every plausible count (perfectly hiding); it is binding
 * as long as log_G(H) is unknown.
 */
import { G, H, Point, ZERO, mul } from './group';
import { Polynomial } from './polynomial';

/** One share of one bucket: f(j) and the blinding g(j). */
export interface Share {
  readonly f: bigint;
  readonly g: bigint;
}

/** Commitments to the coefficients of f (secret) and g (blinding), one per degree. */
export function commitCoefficients(f: Polynomial, g: Polynomial): Point[] {
  if (f.length !== g.length) throw new RangeError('f and g must have the same degree');
  return f.map((a, k) => mul(G, a).add(mul(H, g[k] ?? 0n)));
}

/** Σ_k x^k·C_k: what a share at x must open to (Horner; the data are public). */
export function expectedAt(commitments: readonly Point[], x: bigint): Point {
  let acc = ZERO;
  for (let k = commitments.length - 1; k >= 0; k--) {
    acc = acc.multiplyUnsafe(x).add(commitments[k] ?? ZERO);
  }
  return acc;
}

/** f·G + g·H for public f, g. */
export function openTo(share: Share): Point {
  return mul(G, share.f).add(mul(H, share.g));
}

/** Whether (f, g) is the share at x of the polynomials the commitments commit to. */
export function verifyShare(commitments: readonly Point[], x: bigint, share: Share): boolean {
  return openTo(share).equals(expectedAt(commitments, x));
}

/**
 * Coefficient-wise sum of commitment vectors: the commitments to the sum of the dealers'
 * polynomials (the scheme is additively homomorphic), against which a partial sum is checked.
 */
export function aggregateCommitments(vectors: readonly (readonly Point[])[], degree: number): Point[] {
  return Array.from({ length: degree }, (_, k) => vectors.reduce((acc, v) => acc.add(v[k] ?? ZERO), ZERO));
}
