import { createHash, createPublicKey, verify, KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { canonicalize } from './canonical';
import { inputError } from './errors';
import { Fields, StringRule, asObject, str } from './validate';

/** Public key as a JWK: P-256 (ES256) or Ed25519 (EdDSA). Private members are refused. */
export interface PublicJwk {
  kty: 'EC' | 'OKP';
  crv: 'P-256' | 'Ed25519';
  x: string;
  y?: string;
}

export type SignatureAlg = 'ES256' | 'EdDSA';

const B64URL = /^[A-Za-z0-9_-]+$/;
/** A base64url signature in a request; 200 leaves room above the 86 characters of a 64-byte signature. */
export const SIGNATURE_RULE: StringRule = { max: 200, pattern: B64URL, patternHint: 'must be base64url' };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/** Validates a JWK taken from a request; the field name is used in error messages. */
export function parsePublicJwk(value: unknown, name: string): PublicJwk {
  const f: Fields = asObject(value, name);
  for (const m of PRIVATE_MEMBERS) {
    if (m in f) throw inputError(name, `must not contain private key material (member "${m}")`);
  }
  const kty = str(f, 'kty', { max: 3 });
  const crv = str(f, 'crv', { max: 10 });
  const x = str(f, 'x', { max: 64, pattern: B64URL, patternHint: 'must be base64url' });
  if (kty === 'EC' && crv === 'P-256') {
    const y = str(f, 'y', { max: 64, pattern: B64URL, patternHint: 'must be base64url' });
    const jwk: PublicJwk = { kty, crv, x, y };
    keyObject(jwk, name);
    return jwk;
  }
  if (kty === 'OKP' && crv === 'Ed25519') {
    const jwk: PublicJwk = { kty, crv, x };
    keyObject(jwk, name);
    if (!strongEd25519Point(Buffer.from(x, 'base64url'))) {
      throw inputError(name, 'is a weak Ed25519 key (small order or non-canonical encoding)');
    }
    return jwk;
  }
  throw inputError(name, 'only P-256 (kty EC) and Ed25519 (kty OKP) keys are accepted');
}

function keyObject(jwk: PublicJwk, name = 'key'): KeyObject {
  try {
    return createPublicKey({ key: { ...jwk }, format: 'jwk' });
  } catch {
    throw inputError(name, 'is not a valid public key');
  }
}

/** The JWS algorithm a key signs with, which its curve decides. */
export function algorithmOf(jwk: PublicJwk): SignatureAlg {
  return jwk.crv === 'P-256' ? 'ES256' : 'EdDSA';
}

/**
 * Verifies a base64url signature over `data`. ES256 signatures are raw r||s (JWS style,
 * 64 bytes) and are checked over SHA-256; EdDSA signs the bytes themselves.
 */
export function verifySignature(jwk: PublicJwk, data: Uint8Array, signature: string): boolean {
  if (!B64URL.test(signature) || signature.length > 200) return false;
  const sig = Buffer.from(signature, 'base64url');
  try {
    if (jwk.crv === 'P-256') {
      const key = keyObject(jwk);
      return sig.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
    }
    return verifyEd25519(Buffer.from(jwk.x, 'base64url'), data, sig);
  } catch {
    return false;
  }
}

/**
 * A canonically encoded Ed25519 point of large order. The eight small-order points (the
 * identity among them) would let one signature verify for any message — with A = identity,
 * R = identity and S = 0 satisfy [S]B = R + [k]A for every k — and non-canonical encodings
 * (y ≥ p) give one key or R several byte strings. Both are refused (RFC 8032 §5.1.3 strict
 * decoding, as opposed to ZIP-215).
 */
function strongEd25519Point(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  try {
    return !ed25519.Point.fromHex(bytes, false).isSmallOrder();
  } catch {
    return false;
  }
}

/**
 * RFC 8032 verification (`zip215: false`: canonical A and R, S < L) that also refuses a
 * small-order public key or R, so a signature never verifies "for any message".
 */
function verifyEd25519(publicKey: Uint8Array, data: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64 || !strongEd25519Point(publicKey) || !strongEd25519Point(sig.subarray(0, 32))) return false;
  return ed25519.verify(sig, data, publicKey, { zip215: false });
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url): what a self-certifying DID is derived from. */
export function jwkThumbprint(jwk: PublicJwk): string {
  const required =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(canonicalize(required)).digest('base64url');
}

/** SHA-256 as lowercase hex, the digest form requests and records carry. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
