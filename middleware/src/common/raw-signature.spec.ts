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
});
