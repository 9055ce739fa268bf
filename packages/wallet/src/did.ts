/**
 * did:mallchain operations as the chaincode's dids contract takes them (docs/did-method.md): the wallet builds
 * the document, signs JCS of the operation from `@mallchain/wire` and returns the request to submit.
 */
import { type DidRoleName, didOperationPayload } from '@mallchain/wire';
import { type PublicJwk, type WalletKey, signPayload, thumbprint } from './keys';

export const DID_CONTEXTS = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'];

export interface DidDocument {
  '@context': string[];
  id: string;
  verificationMethod: { id: string; type: 'JsonWebKey2020'; controller: string; publicKeyJwk: PublicJwk }[];
  authentication: string[];
  assertionMethod?: string[];
  capabilityInvocation?: string[];
}

export interface DidProof {
  readonly kid: string;
  readonly signature: string;
}

export interface CreateDidRequest {
  readonly role: DidRoleName;
  readonly document: DidDocument;
  readonly proof: DidProof;
}

export interface UpdateDidRequest {
  readonly did: string;
  readonly previousVersionId: string;
  readonly document: DidDocument;
  readonly proof: DidProof;
}

export interface DeactivateDidRequest {
  readonly did: string;
  readonly previousVersionId: string;
  readonly proof: DidProof;
}

/** The DID a key is the inception key of: `did:mallchain:` + RFC 7638 thumbprint. */
export function didOf(jwk: PublicJwk): string {
  return `did:mallchain:${thumbprint(jwk)}`;
}

/** The verification method ID of a key in `did`'s document: `#` + the first 16 characters of its thumbprint. */
export function kidOf(did: string, key: WalletKey): string {
  return `${did}#k-${thumbprint(key.publicJwk).slice(0, 16)}`;
}

/** A document listing `keys`; the first one is the controller (capabilityInvocation) and signs assertions. */
export function didDocument(did: string, keys: readonly WalletKey[]): DidDocument {
  const [first] = keys;
  if (!first) throw new Error('a DID document needs at least one key');
  const methods = keys.map((k) => ({
    id: kidOf(did, k),
    type: 'JsonWebKey2020' as const,
    controller: did,
    publicKeyJwk: k.publicJwk,
  }));
  return {
    '@context': [...DID_CONTEXTS],
    id: did,
    verificationMethod: methods,
    authentication: methods.map((m) => m.id),
    assertionMethod: [kidOf(did, first)],
    capabilityInvocation: [kidOf(did, first)],
  };
}

/** dids:CreateDid for the DID `key` derives, signed by it. */
export function createDid(channel: string, key: WalletKey, role: DidRoleName = 'member'): CreateDidRequest {
  const did = didOf(key.publicJwk);
  const document = didDocument(did, [key]);
  const op = didOperationPayload({ channel }, 'create', did, null, { role, document });
  return { role, document, proof: { kid: kidOf(did, key), signature: signPayload(key, op) } };
}

/** dids:UpdateDid to `document`, signed by the current controller key `signer`. */
export function updateDid(
  channel: string,
  did: string,
  previousVersionId: string,
  document: DidDocument,
  signer: WalletKey,
): UpdateDidRequest {
  const op = didOperationPayload({ channel }, 'update', did, previousVersionId, { document });
  return { did, previousVersionId, document, proof: { kid: kidOf(did, signer), signature: signPayload(signer, op) } };
}

/** Key rotation: the new document lists only `next` (the old key is out); signed by the current controller. */
export function rotateKey(
  channel: string,
  did: string,
  previousVersionId: string,
  current: WalletKey,
  next: WalletKey,
): UpdateDidRequest {
  return updateDid(channel, did, previousVersionId, didDocument(did, [next]), current);
}

/** dids:DeactivateDid, signed by the current controller key. */
export function deactivateDid(
  channel: string,
  did: string,
  previousVersionId: string,
  signer: WalletKey,
): DeactivateDidRequest {
  const op = didOperationPayload({ channel }, 'deactivate', did, previousVersionId);
  return { did, previousVersionId, proof: { kid: kidOf(did, signer), signature: signPayload(signer, op) } };
}

/**
 * A claim of a custodial DID: the update the mall is asked to sign with the custodial key — the new document
 * lists only the wallet's key — and the wallet's proof of possession, its own signature over the very same
 * update operation. The mall checks the proof, signs the operation as the current controller and submits;
 * from the next version on, only the wallet's key controls the DID.
 */
export interface ClaimRequest {
  readonly did: string;
  readonly previousVersionId: string;
  readonly document: DidDocument;
  readonly possession: DidProof;
}

export function claimDid(channel: string, did: string, previousVersionId: string, walletKey: WalletKey): ClaimRequest {
  const document = didDocument(did, [walletKey]);
  const op = didOperationPayload({ channel }, 'update', did, previousVersionId, { document });
  return {
    did,
    previousVersionId,
    document,
    possession: { kid: kidOf(did, walletKey), signature: signPayload(walletKey, op) },
  };
}
