import type { DidResolution } from '../ledger/domain/did.ledger';
import { RESOLUTION_CONTEXT } from './did-resolution';

/** What a client may ask for (W3C DID Resolution, HTTP(S) binding). */
export type Representation = 'resolution' | 'resolutionLd' | 'didJson' | 'didLdJson';

export const MEDIA_TYPE: Readonly<Record<Representation, string>> = {
  resolution: 'application/did-resolution',
  resolutionLd: 'application/ld+json;profile="https://w3id.org/did-resolution"',
  didJson: 'application/did+json',
  didLdJson: 'application/did+ld+json',
};
export const PROBLEM_JSON = 'application/problem+json';

/** Error types of DID Resolution (RFC 9457 `type`), with their HTTP status. */
export const RESOLVER_ERRORS = {
  invalidDid: { status: 400, type: 'https://www.w3.org/ns/did#INVALID_DID', title: 'The DID is not valid.' },
  invalidOptions: {
    status: 400,
    type: 'https://www.w3.org/ns/did#INVALID_OPTIONS',
    title: 'The resolution options are not valid.',
  },
  notFound: { status: 404, type: 'https://www.w3.org/ns/did#NOT_FOUND', title: 'The DID does not exist.' },
  representationNotSupported: {
    status: 406,
    type: 'https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED',
    title: 'The requested representation is not supported.',
  },
  deactivated: { status: 410, type: 'https://www.w3.org/ns/did#DEACTIVATED', title: 'The DID is deactivated.' },
  methodNotSupported: {
    status: 501,
    type: 'https://www.w3.org/ns/did#METHOD_NOT_SUPPORTED',
    title: 'The DID method is not supported.',
  },
  internalError: {
    status: 500,
    type: 'https://www.w3.org/ns/did#INTERNAL_ERROR',
    title: 'The resolver could not resolve the DID.',
  },
} as const;
export type ResolverErrorName = keyof typeof RESOLVER_ERRORS;

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
}

export function problem(name: ResolverErrorName, detail: string): ProblemDetails {
  const e = RESOLVER_ERRORS[name];
  return { type: e.type, title: e.title, status: e.status, detail };
}

interface Range {
  readonly type: string;
  readonly profile: string | undefined;
  readonly q: number;
  readonly order: number;
}

function parseRange(part: string, order: number): Range {
  const [type = '', ...params] = part.split(';').map((s) => s.trim());
  let q = 1;
  let profile: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    const name = p.slice(0, eq).trim().toLowerCase();
    const value = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (name === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
    if (name === 'profile') profile = value;
  }
  return { type: type.toLowerCase(), profile, q, order };
}

function representationOf(r: Range): Representation | undefined {
  switch (r.type) {
    case 'application/did-resolution':
    case '*/*':
    case 'application/*':
      return 'resolution';
    case 'application/ld+json':
      return r.profile?.split(' ').includes('https://w3id.org/did-resolution') ? 'resolutionLd' : undefined;
    case 'application/did+json':
      return 'didJson';
    case 'application/did+ld+json':
      return 'didLdJson';
    default:
      return undefined;
  }
}

/**
 * Content negotiation over the Accept header: the acceptable representation of highest quality (the first listed on
 * a tie); no header means the resolution result; `undefined` when nothing acceptable is offered (406).
 */
export function negotiate(accept: string | undefined): Representation | undefined {
  if (accept === undefined || accept.trim() === '') return 'resolution';
  const ranges = accept
    .split(',')
    .map((p, i) => parseRange(p, i))
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const r of ranges) {
    const rep = representationOf(r);
    if (rep !== undefined) return rep;
  }
  return undefined;
}

const GENERIC_DID = /^did:([a-z0-9]+):((?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*((?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+)$/;
const MALLCHAIN_ID = /^[A-Za-z0-9_-]{43}$/;

/** Classifies the identifier: a did:mallchain DID, another method (501), or not a DID at all (400). */
export function classifyDid(did: string): { ok: true } | { ok: false; error: ResolverErrorName; detail: string } {
  const m = GENERIC_DID.exec(did);
  if (!m) return { ok: false, error: 'invalidDid', detail: `${did.slice(0, 200)} is not a DID (did:<method>:<id>)` };
  if (m[1] !== 'mallchain')
    return { ok: false, error: 'methodNotSupported', detail: `did:${m[1] ?? ''} is not served here` };
  if (m[2] !== undefined || !MALLCHAIN_ID.test(m[3] ?? ''))
    return { ok: false, error: 'invalidDid', detail: 'a did:mallchain id is 43 characters of A–Z a–z 0–9 - _' };
  return { ok: true };
}

/** A resolution result carrying an error (didResolutionMetadata.error is the problem details object). */
export function errorResult(p: ProblemDetails): object {
  return {
    '@context': RESOLUTION_CONTEXT,
    didDocument: null,
    didDocumentMetadata: {},
    didResolutionMetadata: { error: p },
  };
}

/** The result as the binding answers it: the content type of the document it carries. */
export function bindingResult(r: DidResolution, rep: Representation): DidResolution {
  const contentType = rep === 'didLdJson' ? MEDIA_TYPE.didLdJson : MEDIA_TYPE.didJson;
  return { ...r, didResolutionMetadata: { ...r.didResolutionMetadata, contentType } };
}
