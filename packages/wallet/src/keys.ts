/**
 * Member keys: P-256 (ES256, raw r||s signatures over SHA-256) and Ed25519 (EdDSA). Keys are made and used for
 * signing with @noble/curves (RFC 6979 deterministic ECDSA, RFC 8032 Ed25519: no random number is drawn while
 * signing); verification and hashing use node:crypto. The signature forms are the ones the chaincode verifies
 * (chaincode/src/common/signature.ts). Keys stay JWKs, so keystores written by earlier versions open unchanged.
 */
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import canonicalize from 'canonicalize';

export type KeyAlg = 'ES256' | 'EdDSA';

/** A public key as the DID document lists it. */
export interface PublicJwk {
  readonly kty: 'EC' | 'OKP';
  readonly crv: 'P-256' | 'Ed25519';
  readonly x: string;
  readonly y?: string;
}

/** A private key as the keystore holds it (inside the encrypted part only). */
export interface WalletKey {
  readonly id: string;
  readonly alg: KeyAlg;
  readonly publicJwk: PublicJwk;
  readonly privateJwk: JsonWebKey;
  readonly createdAt: string;
}

/** JCS bytes of a value (RFC 8785): what every signed payload is signed as. */
export function jcs(value: unknown): Buffer {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('cannot canonicalize undefined');
  return Buffer.from(text, 'utf8');
}

function publicOf(jwk: JsonWebKey): PublicJwk {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.x && jwk.y) return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.x) return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  throw new Error('only P-256 and Ed25519 keys are supported');
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** The 32-byte private scalar or seed of a JWK, refused when absent or of another length. */
function secretOf(jwk: JsonWebKey): Uint8Array {
  const d = typeof jwk.d === 'string' ? Buffer.from(jwk.d, 'base64url') : Buffer.alloc(0);
  if (d.length !== 32) throw new Error('wallet: the key has no 32-byte private part');
  return d;
}

/** A new key pair; `id` names it in the keystore. */
export function generateKey(alg: KeyAlg, id: string, now = new Date()): WalletKey {
  let privateJwk: JsonWebKey;
  if (alg === 'ES256') {
    // A scalar in [1, n-1], from 48 random bytes reduced modulo n-1 (FIPS 186-5 A.2.1): the bias is negligible.
    const secret = p256.utils.randomSecretKey();
    const point = p256.getPublicKey(secret, false);
    privateJwk = {
      kty: 'EC',
      crv: 'P-256',
      x: b64u(point.subarray(1, 33)),
      y: b64u(point.subarray(33)),
      d: b64u(secret),
    };
  } else {
    const seed = randomBytes(32);
    privateJwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(ed25519.getPublicKey(seed)), d: b64u(seed) };
  }
  return { id, alg, publicJwk: publicOf(privateJwk), privateJwk, createdAt: now.toISOString() };
}

/** A base64url signature over `data` by `key`. */
export function signBytes(key: WalletKey, data: Uint8Array): string {
  const secret = secretOf(key.privateJwk);
  const sig =
    key.alg === 'ES256'
      ? p256.sign(createHash('sha256').update(data).digest(), secret).toBytes('compact')
      : ed25519.sign(data, secret);
  return b64u(sig);
}

/** A base64url signature over JCS(`payload`). */
export function signPayload(key: WalletKey, payload: unknown): string {
  return signBytes(key, jcs(payload));
}

/** RFC 7638 thumbprint (SHA-256, base64url) of a public key. */
export function thumbprint(jwk: PublicJwk): string {
  const required =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(jcs(required)).digest('base64url');
}

/** Checks a base64url signature by `jwk` over JCS(`payload`) (ES256 raw r||s, or EdDSA), as the chaincode does. */
export function verifyPayload(jwk: PublicJwk, payload: unknown, signature: string): boolean {
  try {
    const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
    const sig = Buffer.from(signature, 'base64url');
    if (sig.length !== 64) return false;
    return jwk.crv === 'P-256'
      ? verify('sha256', jcs(payload), { key, dsaEncoding: 'ieee-p1363' }, sig)
      : verify(null, jcs(payload), key, sig);
  } catch {
    return false;
  }
}
