import { generateKeyPairSync, sign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { parsePublicJwk, verifySignature } from './signature';

const b64 = (bytes: Uint8Array | Buffer): string => Buffer.from(bytes).toString('base64url');
const okp = (x: Uint8Array): unknown => ({ kty: 'OKP', crv: 'Ed25519', x: b64(x) });
const hex = (h: string): Uint8Array => Buffer.from(h, 'hex');

/** The identity point (0, 1): its encoding is 1 in little-endian. */
const IDENTITY = hex('0100000000000000000000000000000000000000000000000000000000000000');
/** A point of order 8 (one of the eight small-order points). */
const ORDER_8 = hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
/** The point of order 2, (0, -1). */
const ORDER_2 = hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
/** The identity encoded non-canonically (y = p + 1 ≥ p). */
const IDENTITY_NON_CANONICAL = hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
/** L, the order of the prime subgroup, little-endian. */
const L_LE = hex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');

describe('Ed25519 keys and signatures', () => {
  it.each([
    ['the identity point', IDENTITY],
    ['a point of order 8', ORDER_8],
    ['the point of order 2', ORDER_2],
    ['a non-canonical encoding of the identity', IDENTITY_NON_CANONICAL],
  ])('refuses %s as a public key', (_label, x) => {
    expect(() => parsePublicJwk(okp(x), 'publicKeyJwk')).toThrow(/^INPUT_INVALID: publicKeyJwk: /);
  });

  it('does not let R = identity, S = 0 verify for any message under the identity key', () => {
    // With A = identity, [S]B = R + [k]A holds for S = 0, R = identity, whatever the message.
    const sig = Buffer.concat([IDENTITY, Buffer.alloc(32)]);
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: b64(IDENTITY) } as const;
    expect(verifySignature(jwk, Buffer.from('pay Mallory'), b64(sig))).toBe(false);
  });

  it('refuses a signature whose S is not below L (malleated S + L)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: publicKey.export({ format: 'jwk' }).x! } as const;
    const msg = Buffer.from('hello');
    const sig = sign(null, msg, privateKey);
    expect(verifySignature(jwk, msg, b64(sig))).toBe(true);
    const s = BigInt(`0x${Buffer.from(sig.subarray(32)).reverse().toString('hex')}`);
    const l = BigInt(`0x${Buffer.from(L_LE).reverse().toString('hex')}`);
    const malleated = Buffer.from((s + l).toString(16).padStart(64, '0'), 'hex').reverse();
    expect(verifySignature(jwk, msg, b64(Buffer.concat([sig.subarray(0, 32), malleated])))).toBe(false);
  });

  it('refuses a signature whose R is a small-order point', () => {
    const priv = ed25519.utils.randomSecretKey();
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: b64(ed25519.getPublicKey(priv)) } as const;
    const sig = Buffer.concat([ORDER_8, Buffer.alloc(32)]);
    expect(verifySignature(jwk, Buffer.from('m'), b64(sig))).toBe(false);
  });

  it('accepts an ordinary key and its signatures', () => {
    const priv = ed25519.utils.randomSecretKey();
    const x = ed25519.getPublicKey(priv);
    const jwk = parsePublicJwk(okp(x), 'k');
    expect(verifySignature(jwk, Buffer.from('m'), b64(ed25519.sign(Buffer.from('m'), priv)))).toBe(true);
    expect(verifySignature(jwk, Buffer.from('n'), b64(ed25519.sign(Buffer.from('m'), priv)))).toBe(false);
  });
});
