/**
 * Validation of did:mallchain documents before they are stored. Only the members listed
 * here are accepted: a closed shape keeps personal data and private keys off the ledger and
 * makes the stored document byte-identical to the one the controller signed.
 */
import { canonicalize } from '../common/canonical';
import { inputError } from '../common/errors';
import { PublicJwk, jwkThumbprint, parsePublicJwk } from '../common/signature';
import { asArray, asObject, onlyMembers, str } from '../common/validate';
import { DidDocument, ServiceEndpoint, VerificationMethod } from './did.store';

export const DID_PREFIX = 'did:mallchain:';
/** Method-specific id: base64url of a SHA-256 JWK thumbprint (43 characters). */
export const DID_PATTERN = /^did:mallchain:[A-Za-z0-9_-]{43}$/;
export const DID_RULE = {
  max: 57,
  pattern: DID_PATTERN,
  patternHint: 'must be did:mallchain:<43 base64url characters>',
};
export const DID_CONTEXT = 'https://www.w3.org/ns/did/v1';
export const JWS_2020_CONTEXT = 'https://w3id.org/security/suites/jws-2020/v1';
/** Canonical size limit of a document, in bytes. */
export const MAX_DOCUMENT_BYTES = 8192;

const FRAGMENT = /^[A-Za-z0-9._-]{1,64}$/;
const RELATIONSHIPS = ['authentication', 'assertionMethod', 'capabilityInvocation'] as const;
const DOC_MEMBERS = new Set(['@context', 'id', 'controller', 'verificationMethod', 'service', ...RELATIONSHIPS]);
const VM_MEMBERS = new Set(['id', 'type', 'controller', 'publicKeyJwk']);
const JWK_MEMBERS = new Set(['kty', 'crv', 'x', 'y']);
const SERVICE_MEMBERS = new Set(['id', 'type', 'serviceEndpoint']);
const SERVICE_TYPE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~\-/%]*)?$/;

/** The DID a key yields: `did:mallchain:` + RFC 7638 thumbprint of the JWK (base64url SHA-256). */
export function didFromJwk(jwk: PublicJwk): string {
  return DID_PREFIX + jwkThumbprint(jwk);
}

function fragmentId(value: unknown, did: string, name: string): string {
  if (typeof value !== 'string' || !value.startsWith(`${did}#`) || !FRAGMENT.test(value.slice(did.length + 1))) {
    throw inputError(name, `must be ${did}#<fragment of letters, digits, . _ ->`);
  }
  return value;
}

function parseMethod(value: unknown, did: string, name: string): VerificationMethod {
  const f = asObject(value, name);
  onlyMembers(f, VM_MEMBERS, name);
  const id = fragmentId(f.id, did, `${name}.id`);
  if (f.type !== 'JsonWebKey2020') throw inputError(`${name}.type`, 'must be JsonWebKey2020');
  if (f.controller !== did) throw inputError(`${name}.controller`, `must be ${did}`);
  const jwkFields = asObject(f.publicKeyJwk, `${name}.publicKeyJwk`);
  const publicKeyJwk = parsePublicJwk(jwkFields, `${name}.publicKeyJwk`);
  onlyMembers(jwkFields, JWK_MEMBERS, `${name}.publicKeyJwk`);
  return { id, type: 'JsonWebKey2020', controller: did, publicKeyJwk };
}

function parseService(value: unknown, did: string, name: string): ServiceEndpoint {
  const f = asObject(value, name);
  onlyMembers(f, SERVICE_MEMBERS, name);
  const id = fragmentId(f.id, did, `${name}.id`);
  const type = str(f, 'type', {
    max: 64,
    pattern: SERVICE_TYPE,
    patternHint: 'must be a type name such as LinkedDomains',
  });
  const serviceEndpoint = str(f, 'serviceEndpoint', {
    max: 256,
    pattern: HTTPS_URL,
    patternHint: 'must be an https URL without query or credentials',
  });
  return { id, type, serviceEndpoint };
}

function unique(ids: string[], name: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw inputError(name, `duplicate id ${id}`);
    seen.add(id);
  }
}

function parseReferences(value: unknown, methodIds: Set<string>, name: string, min: number): string[] {
  const refs = asArray(value, name, { min, max: 10 });
  const out = refs.map((r, i) => {
    if (typeof r !== 'string' || !methodIds.has(r)) {
      throw inputError(`${name}[${i}]`, 'must be the id of a verification method of this document');
    }
    return r;
  });
  unique(out, name);
  return out;
}

function parseContext(value: unknown): string[] {
  const ctxs = asArray(value, '@context', { min: 1, max: 3 });
  if (ctxs[0] !== DID_CONTEXT) throw inputError('@context', `must start with ${DID_CONTEXT}`);
  for (const c of ctxs) {
    if (c !== DID_CONTEXT && c !== JWS_2020_CONTEXT) throw inputError('@context', `unsupported context ${String(c)}`);
  }
  unique(ctxs as string[], '@context');
  return ctxs as string[];
}

/**
 * Validates a DID document for `did` and returns it in the stored shape. Refuses anything
 * that is not a well-formed public did:mallchain document of at most {@link MAX_DOCUMENT_BYTES}.
 */
export function validateDocument(value: unknown, did: string): DidDocument {
  const f = asObject(value, 'document');
  if (canonicalize(f).length > MAX_DOCUMENT_BYTES) {
    throw inputError('document', `must be at most ${MAX_DOCUMENT_BYTES} bytes in canonical form`);
  }
  onlyMembers(f, DOC_MEMBERS, 'document');
  if (f.id !== did) throw inputError('document.id', `must be ${did}`);
  const doc: DidDocument = {
    '@context': parseContext(f['@context']),
    id: did,
    verificationMethod: [],
    authentication: [],
  };
  if (f.controller !== undefined) {
    const controllers = asArray(f.controller, 'document.controller', { min: 1, max: 1 });
    if (controllers[0] !== did) throw inputError('document.controller', 'may name only the DID itself');
    doc.controller = [did];
  }
  const methods = asArray(f.verificationMethod, 'document.verificationMethod', { min: 1, max: 10 });
  doc.verificationMethod = methods.map((m, i) => parseMethod(m, did, `document.verificationMethod[${i}]`));
  const ids = doc.verificationMethod.map((m) => m.id);
  unique(ids, 'document.verificationMethod');
  const idSet = new Set(ids);
  doc.authentication = parseReferences(f.authentication, idSet, 'document.authentication', 1);
  if (f.assertionMethod !== undefined) {
    doc.assertionMethod = parseReferences(f.assertionMethod, idSet, 'document.assertionMethod', 0);
  }
  if (f.capabilityInvocation !== undefined) {
    doc.capabilityInvocation = parseReferences(f.capabilityInvocation, idSet, 'document.capabilityInvocation', 0);
  }
  if (f.service !== undefined) {
    const services = asArray(f.service, 'document.service', { max: 10 });
    doc.service = services.map((s, i) => parseService(s, did, `document.service[${i}]`));
    unique([...ids, ...doc.service.map((s) => s.id)], 'document.service');
  }
  return doc;
}
