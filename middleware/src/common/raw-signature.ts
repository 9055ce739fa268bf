import { createPublicKey, verify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';

/** The public members of a P-256 or Ed25519 JWK, as DID documents and the device registry hold them. */
export interface RawPublicJwk {
  readonly kty: 'EC' | 'OKP';
  readonly crv: 'P-256' | 'Ed25519';
  readonly x: string;
  readonly y?: string;
}

/** The chaincode's signature field rule: base64url alphabet only (no padding, `+`, `/` or whitespace), ≤ 200. */
const B64URL = /^[A-Za-z0-9_-]+$/;
const MAX_SIGNATURE = 200;

/**
 * A signature checked by the chaincode's rules (chaincode/src/common/signature.ts), so that what passes here is what
 * the ledger accepts and a forged proof is refused before it reaches the outbox:
 * - the signature is base64url in the strict alphabet, at most 200 characters — Node's decoder would also take
 *   standard base64, padding and whitespace, and skip characters it does not know;
 * - ES256 is raw r‖s (64 bytes) over SHA-256 of `data`;
 * - EdDSA is RFC 8032 strict (canonical A and R, S < L) and refuses a small-order key or R, with which one signature
 *   would verify for any message. OpenSSL's Ed25519 does not refuse those, so it is not used for EdDSA.
 * Only the JWK's public members are used; anything malformed is false, never a throw.
 */
export function verifyRawSignature(jwk: RawPublicJwk, data: Buffer, signature: string): boolean {
  if (typeof signature !== 'string' || signature.length > MAX_SIGNATURE || !B64URL.test(signature)) return false;
  const sig = Buffer.from(signature, 'base64url');
  try {
    if (jwk.kty === 'EC' && jwk.crv === 'P-256') return verifyEs256(jwk, data, sig);
    if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return verifyEd25519(jwk.x, data, sig);
    return false;
  } catch {
    return false;
  }
}

function verifyEs256(jwk: RawPublicJwk, data: Buffer, sig: Buffer): boolean {
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  return sig.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
}

function verifyEd25519(x: string, data: Buffer, sig: Buffer): boolean {
  if (typeof x !== 'string' || !B64URL.test(x)) return false;
  const publicKey = Buffer.from(x, 'base64url');
  if (sig.length !== 64 || !strongEd25519Point(publicKey) || !strongEd25519Point(sig.subarray(0, 32))) return false;
  return ed25519.verify(sig, data, publicKey, { zip215: false });
}

/** A canonically encoded Ed25519 point of large order (RFC 8032 §5.1.3 strict decoding, not ZIP-215). */
function strongEd25519Point(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  try {
    return !ed25519.Point.fromHex(bytes, false).isSmallOrder();
  } catch {
    return false;
  }
}
