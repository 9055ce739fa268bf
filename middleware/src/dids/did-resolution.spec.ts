import type { DidRecord } from '../ledger/domain/did.ledger';
import { resolutionOf } from './did-resolution';

const did = 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s';
const document = {
  '@context': ['https://www.w3.org/ns/did/v1'],
  id: did,
  verificationMethod: [
    {
      id: `${did}#key-1`,
      type: 'JsonWebKey2020' as const,
      controller: did,
      publicKeyJwk: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: 'x' },
    },
  ],
  authentication: [`${did}#key-1`],
};
const v1: DidRecord = {
  did,
  role: 'member',
  document,
  versionId: 1,
  created: '2026-03-01T02:00:00.000Z',
  updated: '2026-03-01T02:00:00.000Z',
  deactivated: false,
  anchoredBy: 'MallAMSP',
  txId: 't1',
};

describe('resolutionOf (the cache answers what dids:ResolveDid answers)', () => {
  it('a superseded version names its successor', () => {
    const v2 = { ...v1, versionId: 2, updated: '2026-03-01T02:01:00.000Z', txId: 't2' };
    expect(resolutionOf(v1, v2)).toEqual({
      '@context': 'https://w3id.org/did-resolution/v1',
      didDocument: document,
      didDocumentMetadata: {
        created: v1.created,
        updated: v1.updated,
        versionId: '1',
        nextVersionId: '2',
        nextUpdate: '2026-03-01T02:01:00.000Z',
        deactivated: false,
        role: 'member',
        txId: 't1',
      },
      didResolutionMetadata: { contentType: 'application/did+json' },
    });
  });

  it('a deactivated version has a document without keys', () => {
    const r = resolutionOf({ ...v1, versionId: 3, deactivated: true }, undefined);
    expect(r.didDocument).toEqual({
      '@context': document['@context'],
      id: did,
      verificationMethod: [],
      authentication: [],
    });
    expect(r.didDocumentMetadata).toMatchObject({ deactivated: true, versionId: '3' });
  });

  it('nothing found is a notFound result', () => {
    expect(resolutionOf(undefined, undefined)).toMatchObject({
      didDocument: null,
      didResolutionMetadata: { error: 'notFound' },
    });
  });
});
