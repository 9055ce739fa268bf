/**
 * DID Resolution over the stored versions: the current document, or the one in force at a
 * given `versionId` or `versionTime`, with the metadata DID Resolution defines.
 */
import { Context } from 'fabric-contract-api';
import { DidDocument, DidRecord, DidRole, listDidVersions } from './did.store';

export interface DidDocumentMetadata {
  created: string;
  updated: string;
  versionId: string;
  nextVersionId?: string;
  nextUpdate?: string;
  deactivated: boolean;
  /** mallchain extras: role, owning organisation, anchoring transaction. */
  role: DidRole;
  ownerMsp?: string;
  txId?: string;
}

export interface ResolutionResult {
  '@context': 'https://w3id.org/did-resolution/v1';
  didDocument: DidDocument | null;
  didDocumentMetadata: DidDocumentMetadata | Record<string, never>;
  didResolutionMetadata: { contentType?: 'application/did+json'; error?: 'notFound' };
}

export type VersionSelector = { versionId: number } | { versionTime: number } | Record<string, never>;

function pick(versions: DidRecord[], selector: VersionSelector): number {
  if ('versionId' in selector) return versions.findIndex((v) => v.versionId === selector.versionId);
  if ('versionTime' in selector) {
    // The version in force is the last one updated at or before the time.
    return versions.reduce((found, v, i) => (Date.parse(v.updated) <= selector.versionTime ? i : found), -1);
  }
  return versions.length - 1;
}

function notFoundResult(): ResolutionResult {
  return {
    '@context': 'https://w3id.org/did-resolution/v1',
    didDocument: null,
    didDocumentMetadata: {},
    didResolutionMetadata: { error: 'notFound' },
  };
}

/** A deactivated DID resolves to a bare document: none of its keys may be relied on any more. */
function documentOf(record: DidRecord): DidDocument {
  if (!record.deactivated) return record.document;
  return { '@context': record.document['@context'], id: record.did, verificationMethod: [], authentication: [] };
}

/** Resolves `did` at the selected version; an unknown DID or version gives a `notFound` result, not an error. */
export async function resolveDid(ctx: Context, did: string, selector: VersionSelector): Promise<ResolutionResult> {
  const versions = await listDidVersions(ctx, did);
  const index = pick(versions, selector);
  const record = versions[index];
  const first = versions[0];
  if (record === undefined || first === undefined) return notFoundResult();
  const next = versions[index + 1];
  const metadata: DidDocumentMetadata = {
    created: first.created,
    updated: record.updated,
    versionId: String(record.versionId),
    deactivated: record.deactivated,
    role: record.role,
    ownerMsp: record.ownerMsp,
    txId: record.txId,
  };
  if (next) {
    metadata.nextVersionId = String(next.versionId);
    metadata.nextUpdate = next.updated;
  }
  return {
    '@context': 'https://w3id.org/did-resolution/v1',
    didDocument: documentOf(record),
    didDocumentMetadata: metadata,
    didResolutionMetadata: { contentType: 'application/did+json' },
  };
}
