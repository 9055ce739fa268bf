/**
 * Polynomials over the scalar field and Lagrange interpolation at 0: the Shamir part of the
 * scheme. Participant j (1-based) holds the evaluation at x = j.
 */
import { Fn } from './group';

/** Coefficients a_0 .. a_{t-1}; a_0 is the secret. */
export type Polynomial = readonly bigint[];

/** Horner evaluation at x (mod n). */
export function evaluate(poly: Polynomial, x: bigint): bigint {
  let acc = 0n;
  for (let k = poly.length - 1; k >= 0; k--) acc = Fn.add(Fn.mul(acc, x), poly[k] ?? 0n);
  return acc;
}

/**
 * Lagrange coefficients λ_j for evaluating at 0 from the points x_j:
 * λ_j = Π_{m≠j} x_m / (x_m − x_j). The x_j must be distinct and non-zero.
 */
export function lagrangeAtZero(xs: readonly bigint[]): bigint[] {
  if (new Set(xs.map(String)).size !== xs.length) throw new RangeError('interpolation points must be distinct');
  return xs.map((xj, j) => {
    let num = 1n;
    let den = 1n;
    xs.forEach((xm, m) => {
      if (m === j) return;
      num = Fn.mul(num, xm);
      den = Fn.mul(den, Fn.sub(xm, xj));
    });
    return Fn.div(num, den);
  });
}

/** f(0) from t points (x_j, y_j) of a polynomial of degree < t. */
export function interpolateAtZero(points: readonly { x: bigint; y: bigint }[]): bigint {
  const lambdas = lagrangeAtZero(points.map((p) => p.x));
  return points.reduce((acc, p, i) => Fn.add(acc, Fn.mul(lambdas[i] ?? 0n, p.y)), 0n);
}
