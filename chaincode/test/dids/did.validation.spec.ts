import { DidContract } from '../../src/dids/did.contract';
import { MAX_DOCUMENT_BYTES, validateDocument } from '../../src/dids/did.document';
import { IDS, Ledger } from '../support/fake-stub';
import { createRequest, didDocument, newKey, updateRequest } from '../support/dids-keys';

type Doc = Record<string, unknown>;

describe('did:mallchain document validation', () => {
  const k = newKey();
  const other = newKey();
  const did = k.did;
  const base = (): Doc =>
    didDocument(did, k, 'key-1', {
      service: [{ id: `${did}#hub`, type: 'LinkedDomains', serviceEndpoint: 'https://mall-a.example.com/' }],
    });
  const methods = (d: Doc): Doc[] => d.verificationMethod as Doc[];

  it('accepts a complete document unchanged', () => {
    const doc = base();
    expect(validateDocument(doc, did)).toEqual(doc);
  });

  const cases: [string, (d: Doc) => void, string][] = [
    ['an id for another DID', (d) => (d.id = other.did), 'document.id: must be'],
    ['a personal-data member', (d) => (d.name = 'Jane'), 'document: unsupported member "name"'],
    ['a missing DID context', (d) => (d['@context'] = ['https://example.com/ctx']), '@context: must start with'],
    [
      'an unknown extra context',
      (d) => (d['@context'] = ['https://www.w3.org/ns/did/v1', 'https://x.example/v1']),
      '@context: unsupported context',
    ],
    ['a foreign controller', (d) => (d.controller = [other.did]), 'document.controller: may name only the DID itself'],
    ['no verification method', (d) => (d.verificationMethod = []), 'document.verificationMethod: must have at least 1'],
    [
      'a private key',
      (d) => (methods(d)[0]!.publicKeyJwk = { ...k.jwk, d: 'AAAA' }),
      'must not contain private key material (member "d")',
    ],
    [
      'an extra JWK member',
      (d) => (methods(d)[0]!.publicKeyJwk = { ...k.jwk, alg: 'ES256' }),
      'publicKeyJwk: unsupported member "alg"',
    ],
    ['an RSA key', (d) => (methods(d)[0]!.publicKeyJwk = { kty: 'RSA', n: 'abc', e: 'AQAB' }), 'must be a string'],
    [
      'a key that is not on the curve',
      (d) => (methods(d)[0]!.publicKeyJwk = { ...k.jwk, x: 'AAAA' }),
      'is not a valid public key',
    ],
    [
      'a method id of another DID',
      (d) => (methods(d)[0]!.id = `${other.did}#key-1`),
      'verificationMethod[0].id: must be',
    ],
    ['a bad fragment', (d) => (methods(d)[0]!.id = `${did}#a b`), 'verificationMethod[0].id: must be'],
    [
      'a wrong method type',
      (d) => (methods(d)[0]!.type = 'Ed25519VerificationKey2018'),
      'type: must be JsonWebKey2020',
    ],
    ['a method controlled by another DID', (d) => (methods(d)[0]!.controller = other.did), 'controller: must be'],
    ['an unknown method member', (d) => (methods(d)[0]!.note = 'x'), 'unsupported member "note"'],
    ['duplicate method ids', (d) => (d.verificationMethod = [methods(d)[0], methods(d)[0]]), 'duplicate id'],
    [
      'a dangling reference',
      (d) => (d.authentication = [`${did}#nope`]),
      'authentication[0]: must be the id of a verification method',
    ],
    [
      'an embedded method',
      (d) => (d.capabilityInvocation = [methods(d)[0]]),
      'capabilityInvocation[0]: must be the id',
    ],
    [
      'a duplicate reference',
      (d) => (d.assertionMethod = [`${did}#key-1`, `${did}#key-1`]),
      'assertionMethod: duplicate id',
    ],
    ['no authentication key', (d) => (d.authentication = []), 'authentication: must have at least 1'],
    [
      'a plain-http service',
      (d) => ((d.service as Doc[])[0]!.serviceEndpoint = 'http://mall-a.example.com/'),
      'serviceEndpoint: must be an https URL',
    ],
    [
      'a service with a query string',
      (d) => ((d.service as Doc[])[0]!.serviceEndpoint = 'https://mall-a.example.com/?phone=1'),
      'must be an https URL',
    ],
    [
      'a service sharing a method id',
      (d) => ((d.service as Doc[])[0]!.id = `${did}#key-1`),
      'document.service: duplicate id',
    ],
    ['a bad service type', (d) => ((d.service as Doc[])[0]!.type = 'x y'), 'type: must be a type name'],
    [
      'an oversized document',
      (d) => (d.padding = 'x'.repeat(MAX_DOCUMENT_BYTES)),
      `at most ${MAX_DOCUMENT_BYTES} bytes`,
    ],
    ['a non-object', (d) => (d.verificationMethod = 'x'), 'document.verificationMethod: must be an array'],
  ];

  it.each(cases)('refuses %s', (_label, mutate, message) => {
    const doc = base();
    mutate(doc);
    expect(() => validateDocument(doc, did)).toThrow(message);
  });
});

describe('dids transactions refuse bad input and write nothing', () => {
  const contract = new DidContract();
  const k = newKey();
  const good = JSON.parse(createRequest(k)) as Doc;

  const createCases: [string, unknown, string][] = [
    ['not JSON', '{', 'request: is not valid JSON'],
    ['an array', [], 'request: must be a JSON object'],
    ['an unknown role', { ...good, role: 'admin' }, 'role: must be one of member, device, merchant, mall'],
    ['no document', { ...good, document: undefined }, 'document: must be a JSON object'],
    [
      'a foreign DID method',
      { ...good, document: { ...(good.document as Doc), id: 'did:web:mall-a.example.com' } },
      'id: must be did:mallchain:',
    ],
    ['no proof', { ...good, proof: undefined }, 'proof: must be a JSON object'],
    ['a proof without kid', { ...good, proof: { signature: 'abc' } }, 'kid: must be a string'],
    [
      'a non-base64url signature',
      { ...good, proof: { kid: `${k.did}#key-1`, signature: 'a+b/' } },
      'signature: must be base64url',
    ],
    [
      'an unknown signing key',
      { ...good, proof: { kid: `${k.did}#nope`, signature: 'abc' } },
      'DID_NOT_SELF_CERTIFYING',
    ],
  ];

  it.each(createCases)('CreateDid with %s', async (_label, body, message) => {
    const ledger = new Ledger();
    const arg = typeof body === 'string' ? body : JSON.stringify(body);
    await expect(ledger.invoke(contract, 'CreateDid', [arg], IDS.mallAAdmin)).rejects.toThrow(message);
    expect(ledger.dump()).toEqual({});
  });

  const updateCases: [string, (d: Doc) => void, string][] = [
    ['no did', (d) => delete d.did, 'did: must be a string'],
    ['a numeric previousVersionId', (d) => (d.previousVersionId = 1), 'previousVersionId: must be a string'],
    ['a previousVersionId of 0', (d) => (d.previousVersionId = '0'), 'previousVersionId: must be a version id'],
    ['a document for another DID', (d) => ((d.document as Doc).id = newKey().did), 'document.id: must be'],
    ['no proof', (d) => delete d.proof, 'proof: must be a JSON object'],
  ];

  it.each(updateCases)('UpdateDid and DeactivateDid with %s', async (_label, mutate, message) => {
    const ledger = new Ledger();
    await ledger.invoke(contract, 'CreateDid', [createRequest(k)], IDS.mallAAdmin);
    const before = ledger.dump();
    const update = JSON.parse(updateRequest(k.did, '1', didDocument(k.did, k), k)) as Doc;
    mutate(update);
    await expect(ledger.invoke(contract, 'UpdateDid', [JSON.stringify(update)], IDS.mallAAdmin)).rejects.toThrow(
      message,
    );
    if (!message.startsWith('document')) {
      delete update.document;
      await expect(ledger.invoke(contract, 'DeactivateDid', [JSON.stringify(update)], IDS.mallAAdmin)).rejects.toThrow(
        message,
      );
    }
    expect(ledger.dump()).toEqual(before);
  });
});
