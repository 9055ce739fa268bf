import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DidOperationError } from '../common/errors';
import { verifyRawSignature } from '../common/raw-signature';
import type { DidDocument, DidProof, DidPublicJwk, DidVerificationMethod } from '../ledger/domain/did.ledger';

/** RFC 7638 thumbprint (SHA-256, base64url) of a public JWK: the method-specific id of a did:mallchain DID. */
export function didOfJwk(jwk: DidPublicJwk): string {
  const members =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return `did:mallchain:${createHash('sha256')
    .update(canonicalize(members) ?? '')
    .digest('base64url')}`;
}

/** ES256 (raw r‖s) or EdDSA over JCS(value), as the chaincode verifies it; false for anything malformed. */
export function verifyJcs(jwk: DidPublicJwk, value: unknown, signature: string): boolean {
  let data: Buffer;
  try {
    data = Buffer.from(canonicalize(value) ?? '');
  } catch {
    return false; // not JSON-serialisable: nothing was signed
  }
  return verifyRawSignature(jwk, data, signature);
}

/** The verification method `kid` of a document that came from a client (any shape) or from the ledger. */
export function methodOf(document: DidDocument, kid: string): DidVerificationMethod | undefined {
  const methods: unknown = document.verificationMethod;
  if (!Array.isArray(methods)) return undefined;
  return (methods as unknown[]).find(
    (m): m is DidVerificationMethod => typeof m === 'object' && m !== null && (m as { id?: unknown }).id === kid,
  );
}

/** The keys that may sign create / update / deactivate: `capabilityInvocation`, or else `authentication`. */
export function controllerKeyIds(document: DidDocument): readonly string[] {
  const invocation = document.capabilityInvocation ?? [];
  return invocation.length > 0 ? invocation : document.authentication;
}

/**
 * Throws DID_SIGNATURE unless `proof.kid` is one of `allowed` in `document` and its signature over JCS(`payload`)
 * verifies: a forged or misdirected operation is refused before it reaches the outbox.
 */
export function checkProof(
  document: DidDocument,
  allowed: readonly string[],
  payload: unknown,
  proof: DidProof,
  what: string,
): void {
  const method = methodOf(document, proof.kid);
  if (!allowed.includes(proof.kid) || !method)
    throw new DidOperationError('DID_SIGNATURE', `proof.kid ${proof.kid} is not ${what} of ${document.id}`);
  if (!verifyJcs(method.publicKeyJwk, payload, proof.signature))
    throw new DidOperationError('DID_SIGNATURE', `proof.signature by ${proof.kid} does not verify`);
}
