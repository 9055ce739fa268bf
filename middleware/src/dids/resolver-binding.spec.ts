import { classifyDid, negotiate } from './resolver-binding';

describe('negotiate (Accept → representation)', () => {
  it.each([
    [undefined, 'resolution'],
    ['', 'resolution'],
    ['*/*', 'resolution'],
    ['application/did-resolution', 'resolution'],
    ['application/ld+json;profile="https://w3id.org/did-resolution"', 'resolutionLd'],
    ['application/did+json', 'didJson'],
    ['Application/DID+LD+JSON', 'didLdJson'],
    ['text/html, application/did+json;q=0.5, application/did-resolution;q=0.9', 'resolution'],
    ['application/did+json;q=0, application/did+ld+json', 'didLdJson'],
    ['application/did+json, application/did+ld+json', 'didJson'],
  ])('%s → %s', (accept, rep) => {
    expect(negotiate(accept)).toBe(rep);
  });

  it.each(['text/html', 'application/json', 'application/ld+json', 'application/did+json;q=0'])(
    '%s is not offered (406)',
    (accept) => {
      expect(negotiate(accept)).toBeUndefined();
    },
  );
});

describe('classifyDid', () => {
  const good = 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s';
  it('accepts a did:mallchain DID', () => {
    expect(classifyDid(good)).toEqual({ ok: true });
  });
  it.each([
    ['not-a-did', 'invalidDid'],
    ['did:mallchain:', 'invalidDid'],
    ['did:MALLCHAIN:abc', 'invalidDid'],
    ['did:mallchain:short', 'invalidDid'],
    [`${good}x`, 'invalidDid'],
    [`did:mallchain:sub:${good.slice(14)}`, 'invalidDid'],
    ['did:example:123', 'methodNotSupported'],
    ['did:web:mall-a.example.com', 'methodNotSupported'],
  ])('%s → %s', (did, error) => {
    expect(classifyDid(did)).toMatchObject({ ok: false, error });
  });
});
