import fc from 'fast-check';
import { G, H, ORDER, decodePoint, decodeScalar, encodePoint, encodeScalar, mul, randomScalar } from './group';

describe('jointstats group encodings', () => {
  it('scalars are exactly 64 lowercase hex, below the order, and round-trip', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: ORDER - 1n }), (s) => {
        const hex = encodeScalar(s);
        expect(hex).toMatch(/^[0-9a-f]{64}$/);
        expect(decodeScalar(hex)).toBe(s);
      }),
    );
    expect(() => decodeScalar(ORDER.toString(16))).toThrow('below the group order');
    expect(() => decodeScalar('f'.repeat(64))).toThrow('below the group order');
    expect(() => decodeScalar('A'.repeat(64))).toThrow('64 lowercase hex');
    expect(() => decodeScalar('0'.repeat(63))).toThrow('64 lowercase hex');
    expect(() => decodeScalar(5)).toThrow('64 lowercase hex');
    expect(() => encodeScalar(ORDER)).toThrow('out of range');
    expect(() => encodeScalar(-1n)).toThrow('out of range');
  });

  it('points are compressed, lowercase, on the curve, never the identity', () => {
    const p = mul(G, randomScalar()).add(H);
    const hex = encodePoint(p);
    expect(hex).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(decodePoint(hex).equals(p)).toBe(true);
    expect(() => decodePoint(hex.toUpperCase())).toThrow('compressed point');
    expect(() => decodePoint(p.toHex(false))).toThrow('compressed point');
    expect(() => decodePoint(`04${hex.slice(2)}`)).toThrow('compressed point');
    expect(() => decodePoint('00')).toThrow('compressed point');
    // An x with no y (x³ − 3x + b a non-residue mod p, by Euler's criterion) is refused.
    for (let x = 1n; x < 20n; x++) {
      const hexX = `02${x.toString(16).padStart(64, '0')}`;
      if (isResidue(x)) expect(decodePoint(hexX).x).toBe(x);
      else expect(() => decodePoint(hexX)).toThrow('not a point on P-256');
    }
    // x ≥ p is not a field element.
    expect(() => decodePoint(`02${'f'.repeat(64)}`)).toThrow('not a point on P-256');
    expect(() => encodePoint(mul(G, 0n))).toThrow('identity');
  });
});

const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function powMod(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = base % m;
  for (let e = exp; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) result = (result * b) % m;
  return result;
}

function isResidue(x: bigint): boolean {
  const rhs = (((x * x * x - 3n * x + B) % P) + P) % P;
  return powMod(rhs, (P - 1n) / 2n, P) === 1n;
}
