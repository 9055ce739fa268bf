import { createHash, generateKeyPairSync } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import canonicalize from 'canonicalize';
import { ES256Signer, createJWT, verifyJWT } from 'did-jwt';
import { Resolver } from 'did-resolver';
import { getResolver } from './index';

/** A P-256 member key and the did:mallchain DID derived from it (RFC 7638 thumbprint). */
function memberKey(): { did: string; jwk: { kty: string; crv: string; x: string; y: string }; d: Uint8Array } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const j = privateKey.export({ format: 'jwk' });
  const jwk = { crv: 'P-256', kty: 'EC', x: j.x ?? '', y: j.y ?? '' };
  const id = createHash('sha256')
    .update(canonicalize(jwk) ?? '')
    .digest('base64url');
  return { did: `did:mallchain:${id}`, jwk, d: Buffer.from(j.d ?? '', 'base64url') };
}

function documentWith(did: string, keys: { fragment: string; jwk: object }[]): object {
  const ids = keys.map((k) => `${did}#${k.fragment}`);
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: keys.map((k) => ({
      id: `${did}#${k.fragment}`,
      type: 'JsonWebKey2020',
      controller: did,
      publicKeyJwk: k.jwk,
    })),
    authentication: ids,
    assertionMethod: ids,
  };
}

const meta = (versionId: string, deactivated = false): object => ({
  created: '2026-03-01T02:00:00.000Z',
  updated: '2026-03-01T02:00:00.000Z',
  versionId,
  deactivated,
  role: 'member',
});

/** What the HTTP binding answers, set by each test; the requests it saw. */
let answer: { status: number; body: unknown } = { status: 500, body: {} };
const seen: { url: string; accept: string | undefined }[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', accept: req.headers.accept });
    res.writeHead(answer.status, { 'content-type': 'application/did-resolution' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port.toString()}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('getResolver (HTTP binding)', () => {
  const member = memberKey();
  let resolver: Resolver;
  beforeAll(() => {
    resolver = new Resolver(getResolver({ url }));
  });

  async function signedJwt(): Promise<string> {
    return createJWT(
      { sub: member.did, aud: 'mall-a.example.com', purpose: 'test' },
      { issuer: member.did, signer: ES256Signer(member.d) },
      { alg: 'ES256', kid: `${member.did}#key-1` },
    );
  }

  it('asks the binding for the resolution result, the DID URL-encoded, with versionId from the DID URL', async () => {
    answer = {
      status: 200,
      body: {
        didDocument: documentWith(member.did, [{ fragment: 'key-1', jwk: member.jwk }]),
        didDocumentMetadata: meta('1'),
        didResolutionMetadata: {},
      },
    };
    const r = await resolver.resolve(`${member.did}?versionId=1`);
    expect(r.didDocument?.id).toBe(member.did);
    const last = seen.at(-1);
    expect(last?.accept).toBe('application/did-resolution');
    expect(last?.url).toBe(`/1.0/identifiers/${encodeURIComponent(member.did)}?versionId=1`);
  });

  it('a JWT signed with the member key verifies while the key is in the document', async () => {
    answer = {
      status: 200,
      body: {
        didDocument: documentWith(member.did, [{ fragment: 'key-1', jwk: member.jwk }]),
        didDocumentMetadata: meta('1'),
        didResolutionMetadata: {},
      },
    };
    const v = await verifyJWT(await signedJwt(), { resolver, audience: 'mall-a.example.com' });
    expect(v.verified).toBe(true);
    expect(v.issuer).toBe(member.did);
    expect(v.signer.id).toBe(`${member.did}#key-1`);
  });

  it('does not verify after the key was rotated out', async () => {
    const other = memberKey();
    answer = {
      status: 200,
      body: {
        didDocument: documentWith(member.did, [{ fragment: 'key-2', jwk: other.jwk }]),
        didDocumentMetadata: meta('2'),
        didResolutionMetadata: {},
      },
    };
    await expect(verifyJWT(await signedJwt(), { resolver, audience: 'mall-a.example.com' })).rejects.toThrow(
      /invalid_signature|no matching public key/i,
    );
  });

  it('does not verify once the DID is deactivated (410, a document without keys)', async () => {
    answer = {
      status: 410,
      body: {
        didDocument: {
          '@context': ['https://www.w3.org/ns/did/v1'],
          id: member.did,
          verificationMethod: [],
          authentication: [],
        },
        didDocumentMetadata: meta('3', true),
        didResolutionMetadata: {},
      },
    };
    const r = await resolver.resolve(member.did);
    expect(r.didDocumentMetadata.deactivated).toBe(true);
    await expect(verifyJWT(await signedJwt(), { resolver, audience: 'mall-a.example.com' })).rejects.toThrow();
  });

  it('maps problem details in didResolutionMetadata.error to did-resolver error codes', async () => {
    answer = {
      status: 404,
      body: {
        didDocument: null,
        didDocumentMetadata: {},
        didResolutionMetadata: {
          error: {
            type: 'https://www.w3.org/ns/did#NOT_FOUND',
            title: 'The DID does not exist.',
            status: 404,
            detail: 'x',
          },
        },
      },
    };
    const r = await resolver.resolve(member.did);
    expect(r.didResolutionMetadata).toEqual({ error: 'notFound', message: 'x' });
    expect(r.didDocument).toBeNull();
    await expect(verifyJWT(await signedJwt(), { resolver, audience: 'mall-a.example.com' })).rejects.toThrow(
      /notFound/,
    );
  });

  it('a resolver that cannot be reached is internalError, not a throw', async () => {
    const dead = new Resolver(getResolver({ url: 'http://127.0.0.1:1', timeoutMs: 2000 }));
    const r = await dead.resolve(member.did);
    expect(r.didResolutionMetadata.error).toBe('internalError');
  });

  it('refuses options that are neither a URL nor a gateway', () => {
    expect(() => getResolver({ url: 'ftp://x' })).toThrow(/http/);
    expect(() => getResolver({} as never)).toThrow(/url/);
  });
});

describe('getResolver (gateway)', () => {
  it('evaluates dids:ResolveDid with the version selector (resolution options) and passes the result on', async () => {
    const member = memberKey();
    const calls: string[][] = [];
    const contract = {
      evaluateTransaction: (name: string, ...args: string[]): Promise<Uint8Array> => {
        calls.push([name, ...args]);
        const body = {
          didDocument: documentWith(member.did, [{ fragment: 'key-1', jwk: member.jwk }]),
          didDocumentMetadata: meta('1'),
          didResolutionMetadata: { contentType: 'application/did+json' },
        };
        return Promise.resolve(Buffer.from(JSON.stringify(body)));
      },
    };
    const resolver = new Resolver(getResolver({ gateway: { contract } }));
    const jwt = await createJWT(
      { aud: 'mall-b.example.com' },
      { issuer: member.did, signer: ES256Signer(member.d) },
      { alg: 'ES256', kid: `${member.did}#key-1` },
    );
    expect((await verifyJWT(jwt, { resolver, audience: 'mall-b.example.com' })).verified).toBe(true);
    await resolver.resolve(member.did, { versionTime: '2026-03-01T02:00:00Z' });
    expect(calls.at(-1)).toEqual([
      'dids:ResolveDid',
      JSON.stringify({ did: member.did, versionTime: '2026-03-01T02:00:00Z' }),
    ]);
  });

  it('a chaincode refusal becomes an error result', async () => {
    const contract = {
      evaluateTransaction: (): Promise<Uint8Array> => Promise.reject(new Error('INPUT_INVALID: did')),
    };
    const r = await new Resolver(getResolver({ gateway: { contract } })).resolve(
      'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s',
    );
    expect(r.didResolutionMetadata.error).toBe('invalidDid');
  });
});

describe('driverServer (the Universal Resolver driver image)', () => {
  it('forwards /1.0/identifiers/{did} with its query and Accept, passing status, media type and body on', async () => {
    const { driverServer } = await import('./driver-server');
    answer = { status: 410, body: { didDocumentMetadata: { deactivated: true } } };
    const driver = driverServer({ upstream: url });
    await new Promise<void>((resolve) => driver.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(driver.address() as AddressInfo).port.toString()}`;
      const did = 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s';
      const res = await fetch(`${base}/1.0/identifiers/${encodeURIComponent(did)}?versionId=2`, {
        headers: { accept: 'application/did-resolution' },
      });
      expect(res.status).toBe(410);
      expect(res.headers.get('content-type')).toBe('application/did-resolution');
      expect(JSON.parse(await res.text())).toEqual(answer.body);
      expect(seen.at(-1)).toEqual({
        url: `/1.0/identifiers/${encodeURIComponent(did)}?versionId=2`,
        accept: 'application/did-resolution',
      });
      expect((await fetch(`${base}/other`)).status).toBe(404);
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => driver.close(resolve));
    }
  });

  it('an unreachable middleware is a 500 problem details answer', async () => {
    const { driverServer } = await import('./driver-server');
    const driver = driverServer({ upstream: 'http://127.0.0.1:1', timeoutMs: 2000 });
    await new Promise<void>((resolve) => driver.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(driver.address() as AddressInfo).port.toString()}`;
      const res = await fetch(`${base}/1.0/identifiers/did%3Amallchain%3Ax`);
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(JSON.parse(await res.text())).toMatchObject({ type: 'https://www.w3.org/ns/did#INTERNAL_ERROR' });
    } finally {
      await new Promise((resolve) => driver.close(resolve));
    }
  });
});
