/**
 * DID Resolution over the stored versions: the current document, or the one in force at a
 * given `versionId` or `versionTime`, with the metadata DID Resolution defines.
 */
import { Context } from 'fabric-contract-api';
import { lastAtOrBefore } from '../common/clock';
import { DidDocument, DidRecord, DidRole, getDid, getDidVersion } from './did.store';

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

/** The version selected, read by key: the current record, a version by id, or by time (binary search). */
async function pick(ctx: Context, did: string, selector: VersionSelector): Promise<DidRecord | undefined> {
  const current = await getDid(ctx, did);
  if (!current) return undefined;
  if ('versionId' in selector) {
    return selector.versionId > current.versionId ? undefined : getDidVersion(ctx, did, selector.versionId);
  }
  if ('versionTime' in selector) {
    // The version in force is the last one updated at or before the time (times increase per DID).
    const index = await lastAtOrBefore(current.versionId, async (v) => {
      const version = await getDidVersion(ctx, did, v);
      return version !== undefined && Date.parse(version.updated) <= selector.versionTime;
    });
    return index === 0 ? undefined : getDidVersion(ctx, did, index);
  }
  return current;
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
  const record = await pick(ctx, did, selector);
  if (record === undefined) return notFoundResult();
  const next = await getDidVersion(ctx, did, record.versionId + 1);
  const metadata: DidDocumentMetadata = {
    created: record.created,
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
