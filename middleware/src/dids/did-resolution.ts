import type { DidDocument, DidDocumentMetadata, DidRecord, DidResolution } from '../ledger/domain/did.ledger';

export const RESOLUTION_CONTEXT = 'https://w3id.org/did-resolution/v1';

export function notFoundResolution(): DidResolution {
  return {
    '@context': RESOLUTION_CONTEXT,
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

/**
 * The resolution result of a stored version and its successor, exactly as `dids:ResolveDid` builds it on the peer
 * (chaincode/src/dids/did.resolve.ts), so the cache and `consistency=ledger` answer the same bytes.
 */
export function resolutionOf(record: DidRecord | undefined, next: DidRecord | undefined): DidResolution {
  if (record === undefined) return notFoundResolution();
  const metadata: DidDocumentMetadata = {
    created: record.created,
    updated: record.updated,
    versionId: String(record.versionId),
    deactivated: record.deactivated,
    role: record.role,
    ...(record.ownerMsp === undefined ? {} : { ownerMsp: record.ownerMsp }),
    ...(record.txId === undefined ? {} : { txId: record.txId }),
    ...(next ? { nextVersionId: String(next.versionId), nextUpdate: next.updated } : {}),
  };
  return {
    '@context': RESOLUTION_CONTEXT,
    didDocument: documentOf(record),
    didDocumentMetadata: metadata,
    didResolutionMetadata: { contentType: 'application/did+json' },
  };
}
