/**
 * Member keys: P-256 (ES256, raw r||s signatures over SHA-256) and Ed25519 (EdDSA), on node:crypto. The
 * signature forms are the ones the chaincode verifies (chaincode/src/common/signature.ts).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type JsonWebKey,
} from 'node:crypto';
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

/** A new key pair; `id` names it in the keystore. */
export function generateKey(alg: KeyAlg, id: string, now = new Date()): WalletKey {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const privateJwk = pair.privateKey.export({ format: 'jwk' });
  return { id, alg, publicJwk: publicOf(privateJwk), privateJwk, createdAt: now.toISOString() };
}

/** A base64url signature over `data` by `key`. */
export function signBytes(key: WalletKey, data: Uint8Array): string {
  const privateKey = createPrivateKey({ key: key.privateJwk, format: 'jwk' });
  const sig =
    key.alg === 'ES256'
      ? sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(null, data, privateKey);
  return sig.toString('base64url');
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
