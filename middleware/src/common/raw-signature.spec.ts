import { generateKeyPairSync, sign } from 'node:crypto';
import { type RawPublicJwk, verifyRawSignature } from './raw-signature';

const data = Buffer.from('{"seq":1}');

function es256(): { jwk: RawPublicJwk; sig: (d: Buffer) => string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as RawPublicJwk;
  return { jwk, sig: (d) => sign('sha256', d, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url') };
}

function ed25519(): { jwk: RawPublicJwk; sig: (d: Buffer) => string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as RawPublicJwk;
  return { jwk, sig: (d) => sign(null, d, privateKey).toString('base64url') };
}

describe('verifyRawSignature (the chaincode rules: ES256 raw r‖s, EdDSA)', () => {
  it.each([
    ['ES256', es256],
    ['EdDSA', ed25519],
  ])('%s: true for the signature over the data, false for other data or another key', (_alg, make) => {
    const k = make();
    const other = make();
    expect(verifyRawSignature(k.jwk, data, k.sig(data))).toBe(true);
    expect(verifyRawSignature(k.jwk, Buffer.from('{"seq":2}'), k.sig(data))).toBe(false);
    expect(verifyRawSignature(other.jwk, data, k.sig(data))).toBe(false);
  });

  it('refuses an ES256 signature in DER form (only raw r‖s is the chaincode’s)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = sign('sha256', data, privateKey).toString('base64url');
    expect(verifyRawSignature(publicKey.export({ format: 'jwk' }) as RawPublicJwk, data, der)).toBe(false);
  });

  it('is false, not a throw, for a malformed key or signature', () => {
    const k = es256();
    expect(verifyRawSignature({ ...k.jwk, x: 'not-a-point' }, data, k.sig(data))).toBe(false);
    expect(verifyRawSignature({ kty: 'OKP', crv: 'Ed25519', x: '' }, data, 'AA')).toBe(false);
    expect(verifyRawSignature(k.jwk, data, '')).toBe(false);
  });

  it('uses only the public members: a JWK carrying other members verifies as its public key', () => {
    const k = ed25519();
    const withExtra = { ...k.jwk, kid: 'key-1', use: 'sig' } as RawPublicJwk;
    expect(verifyRawSignature(withExtra, data, k.sig(data))).toBe(true);
  });

  describe('refuses what the chaincode refuses (an attacker’s encodings)', () => {
    // L, the order of the Ed25519 base point: S + L is the same scalar written non-canonically.
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    const identity = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]); // the neutral point, order 1

    it.each([
      ['ES256', es256],
      ['EdDSA', ed25519],
    ])('%s: the same bytes in standard base64, padded, with whitespace or junk characters', (_alg, make) => {
      const k = make();
      const good = k.sig(data);
      const standard = Buffer.from(good, 'base64url').toString('base64');
      expect(verifyRawSignature(k.jwk, data, good)).toBe(true);
      expect(standard).toMatch(/[+/=]/u); // 64 bytes → 88 characters with '=' padding: the case is exercised
      expect(verifyRawSignature(k.jwk, data, standard)).toBe(false);
      expect(verifyRawSignature(k.jwk, data, `${good}==`)).toBe(false);
      expect(verifyRawSignature(k.jwk, data, ` ${good}`)).toBe(false);
      expect(verifyRawSignature(k.jwk, data, `${good.slice(0, 40)}\n${good.slice(40)}`)).toBe(false);
      expect(verifyRawSignature(k.jwk, data, `${good}.`)).toBe(false);
    });

    it('a signature longer than the chaincode’s 200-character field, even if its first 64 bytes verify', () => {
      const k = ed25519();
      const long = Buffer.concat([Buffer.from(k.sig(data), 'base64url'), Buffer.alloc(90)]).toString('base64url');
      expect(long.length).toBeGreaterThan(200);
      expect(verifyRawSignature(k.jwk, data, long)).toBe(false);
    });

    it('EdDSA: the small-order key with R = identity, S = 0 (valid "for any message" without the check)', () => {
      const jwk: RawPublicJwk = { kty: 'OKP', crv: 'Ed25519', x: identity.toString('base64url') };
      const forged = Buffer.concat([identity, Buffer.alloc(32)]).toString('base64url');
      expect(verifyRawSignature(jwk, data, forged)).toBe(false);
      expect(verifyRawSignature(jwk, Buffer.from('anything'), forged)).toBe(false);
    });

    it('EdDSA: a signature whose R is small-order, for a real key', () => {
      const k = ed25519();
      const sig = Buffer.from(k.sig(data), 'base64url');
      identity.copy(sig, 0);
      expect(verifyRawSignature(k.jwk, data, sig.toString('base64url'))).toBe(false);
    });

    it('EdDSA: S + L (a malleated copy of a valid signature) is refused, the original verifies', () => {
      const k = ed25519();
      const sig = Buffer.from(k.sig(data), 'base64url');
      const s = BigInt(`0x${Buffer.from(sig.subarray(32)).reverse().toString('hex')}`) + L;
      expect(s < 1n << 256n).toBe(true);
      const sBytes = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse();
      const malleated = Buffer.concat([sig.subarray(0, 32), sBytes]);
      expect(verifyRawSignature(k.jwk, data, sig.toString('base64url'))).toBe(true);
      expect(verifyRawSignature(k.jwk, data, malleated.toString('base64url'))).toBe(false);
    });

    it('a key whose kty and crv do not belong together, and a key x outside base64url', () => {
      const k = ed25519();
      expect(verifyRawSignature({ ...k.jwk, kty: 'EC' }, data, k.sig(data))).toBe(false);
      expect(verifyRawSignature({ ...k.jwk, x: `${k.jwk.x}=` }, data, k.sig(data))).toBe(false);
      const p = es256();
      expect(verifyRawSignature({ ...p.jwk, kty: 'OKP' }, data, p.sig(data))).toBe(false);
    });
  });
});
