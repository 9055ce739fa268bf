/**
 * The group the protocol works in: P-256 through @noble/curves (no elliptic-curve code of our
 * own), its scalar field Z_n, the generator G and a second generator H whose discrete
 * logarithm to G nobody knows (hash-to-curve, RFC 9380, of a fixed domain-separated message).
 * Encodings are canonical: a scalar is exactly 32 bytes big-endian (64 lowercase hex) and below
 * the group order; a point is 33-byte SEC1 compressed (66 lowercase hex) and never the identity.
 */
import { p256, p256_hasher } from '@noble/curves/nist';

export type Point = InstanceType<typeof p256.Point>;

const PointCons = p256.Point;

/** The scalar field: arithmetic modulo the group order n. */
export const Fn = PointCons.Fn;

/** Order of the group (and of the field shares live in). */
export const ORDER: bigint = Fn.ORDER;

/** The standard base point of P-256. */
export const G: Point = PointCons.BASE;

/** Domain tag of H; changing it changes every commitment, so it names the protocol version. */
export const H_DST = 'MALLCHAIN-JOINTSTATS-V1-P256_XMD:SHA-256_SSWU_RO_';
export const H_MESSAGE = 'mallchain jointstats Pedersen generator H';

/**
 * Second generator: nothing-up-my-sleeve, so log_G(H) is unknown to everyone. Its window table
 * is precomputed once (as noble does for G): every share and partial check multiplies H.
 */
export const H: Point = PointCons.fromAffine(
  p256_hasher.hashToCurve(new TextEncoder().encode(H_MESSAGE), { DST: H_DST }).toAffine(),
).precompute(8);

/** Thrown by every decoder: names what is wrong, never echoes secret material. */
export class EncodingError extends Error {
  override readonly name = 'EncodingError';
}

const SCALAR_HEX = /^[0-9a-f]{64}$/;
const POINT_HEX = /^0[23][0-9a-f]{64}$/;

/** 64 lowercase hex characters, big-endian. */
export function encodeScalar(s: bigint): string {
  if (s < 0n || s >= ORDER) throw new EncodingError('scalar out of range');
  return s.toString(16).padStart(64, '0');
}

/** Refuses anything but 64 lowercase hex characters encoding a value below the group order. */
export function decodeScalar(hex: unknown, what = 'scalar'): bigint {
  if (typeof hex !== 'string' || !SCALAR_HEX.test(hex)) {
    throw new EncodingError(`${what} must be 64 lowercase hex characters`);
  }
  const s = BigInt(`0x${hex}`);
  if (s >= ORDER) throw new EncodingError(`${what} must be below the group order`);
  return s;
}

/** SEC1 compressed, lowercase hex. */
export function encodePoint(p: Point): string {
  if (p.equals(PointCons.ZERO)) throw new EncodingError('the identity has no encoding');
  return p.toHex(true);
}

/** Refuses anything but a valid compressed curve point other than the identity. */
export function decodePoint(hex: unknown, what = 'point'): Point {
  if (typeof hex !== 'string' || !POINT_HEX.test(hex)) {
    throw new EncodingError(`${what} must be a compressed point (66 lowercase hex characters, 02/03 prefix)`);
  }
  try {
    const p = PointCons.fromHex(hex);
    p.assertValidity();
    return p;
  } catch {
    throw new EncodingError(`${what} is not a point on P-256`);
  }
}

/** s·P for a scalar that may be 0 (noble refuses 0 in the constant-time path). */
export function mul(p: Point, s: bigint): Point {
  const k = Fn.create(s);
  return k === 0n ? PointCons.ZERO : p.multiply(k);
}

/** The identity, the neutral start of every sum of points. */
export const ZERO: Point = PointCons.ZERO;

/** Sum of points. */
export function sumPoints(points: readonly Point[]): Point {
  return points.reduce((acc, p) => acc.add(p), ZERO);
}

/** A uniformly random scalar in [0, n) from the platform CSPRNG (dealer side only). */
export function randomScalar(): bigint {
  // randomSecretKey is uniform in [1, n); 0 is never needed as a coefficient.
  return Fn.fromBytes(p256.utils.randomSecretKey());
}
