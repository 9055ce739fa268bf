/**
 * `/v1/dids` and the DID Resolution binding refuse bad input with a 4xx naming what is wrong, and write nothing; the
 * binding is public and rate-limited per client address. Real Postgres and HTTP (inject); the fake ledger is never
 * reached by these requests (validation and signature checks come first; the binding reads the cache).
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import canonicalize from 'canonicalize';
import { startTestApp, type TestApp } from './support/test-app';

const did0 = 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s';

function member(): { did: string; doc: Record<string, unknown>; signOp: (v: unknown) => string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const j = privateKey.export({ format: 'jwk' });
  const jwk = { crv: 'P-256', kty: 'EC', x: j.x ?? '', y: j.y ?? '' };
  const did = `did:mallchain:${createHash('sha256')
    .update(canonicalize(jwk) ?? '')
    .digest('base64url')}`;
  const doc = {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: did,
    verificationMethod: [{ id: `${did}#key-1`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk }],
    authentication: [`${did}#key-1`],
  };
  const signOp = (v: unknown): string =>
    sign('sha256', Buffer.from(canonicalize(v) ?? ''), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString(
      'base64url',
    );
  return { did, doc, signOp };
}

describe('/v1/dids and /1.0/identifiers: bad input', () => {
  let t: TestApp;
  let write: string;
  let read: string;

  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_LIMIT: '40' });
    write = await t.key(['dids:write']);
    read = await t.key(['dids:read']);
  });
  afterAll(() => t.close());

  const post = async (
    path: string,
    key: string,
    body: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const r = await t.app.inject({ method: 'POST', url: path, headers: { 'x-api-key': key }, payload: body as object });
    return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
  };
  const get = async (path: string, key: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const r = await t.app.inject({ method: 'GET', url: path, headers: { 'x-api-key': key } });
    return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
  };
  const intakeRows = async (): Promise<number> =>
    Number((await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM intake_items`))[0]?.n);

  it('refuses malformed creates, naming the field, and writes nothing', async () => {
    const m = member();
    const proof = { kid: `${m.did}#key-1`, signature: 'AAAA' };
    const cases: [unknown, RegExp][] = [
      [{ document: m.doc, proof }, /role/],
      [{ role: 'king', document: m.doc, proof }, /role/],
      [{ role: 'member', document: 'x', proof }, /document/],
      [{ role: 'member', document: m.doc, proof: { kid: 'key-1', signature: 'AAAA' } }, /proof\.kid/],
      [
        { role: 'member', document: m.doc, proof: { kid: proof.kid, signature: 'not base64!' } },
        /proof\.signature|signature/,
      ],
      [{ role: 'member', document: m.doc, proof, extra: 1 }, /extra/],
      [{ role: 'member', document: { ...m.doc, id: 'did:example:1' }, proof }, /document\.id/],
    ];
    for (const [body, message] of cases) {
      const r = await post('/v1/dids', write, body);
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      expect(r.body.message).toMatch(message);
    }
    expect(await intakeRows()).toBe(0);
  });

  it('refuses a forged create (wrong key, wrong channel) and one not signed by the key the DID derives from', async () => {
    const m = member();
    const op = {
      op: 'create',
      channel: 'mallchannel',
      chaincode: 'mallchain',
      did: m.did,
      previousVersionId: null,
      role: 'member',
      document: m.doc,
    };
    const other = member();
    const forged = await post('/v1/dids', write, {
      role: 'member',
      document: m.doc,
      proof: { kid: `${m.did}#key-1`, signature: other.signOp(op) },
    });
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ error: 'DID_SIGNATURE' });
    const elsewhere = await post('/v1/dids', write, {
      role: 'member',
      document: m.doc,
      proof: { kid: `${m.did}#key-1`, signature: m.signOp({ ...op, channel: 'otherchannel' }) },
    });
    expect(elsewhere.body).toMatchObject({ error: 'DID_SIGNATURE' });
    const notDerived = await post('/v1/dids', write, {
      role: 'member',
      document: { ...other.doc, id: m.did },
      proof: { kid: `${other.did}#key-1`, signature: other.signOp(op) },
    });
    expect(notDerived.status).toBe(400);
    expect(notDerived.body).toMatchObject({ error: 'DID_NOT_SELF_CERTIFYING' });
    // The role is part of what was signed: relabelling the creation breaks the signature.
    const relabelled = await post('/v1/dids', write, {
      role: 'mall',
      document: m.doc,
      proof: { kid: `${m.did}#key-1`, signature: m.signOp(op) },
    });
    expect(relabelled.body).toMatchObject({ error: 'DID_SIGNATURE' });
    expect(await intakeRows()).toBe(0);
  });

  it('refuses bad updates, deactivations, anchors and queries before the ledger', async () => {
    const cases: [() => Promise<{ status: number; body: Record<string, unknown> }>, RegExp][] = [
      [() => post(`/v1/dids/not-a-did/update`, write, {}), /did/],
      [
        () => post(`/v1/dids/${did0}/update`, write, { previousVersionId: '0', document: {}, proof: {} }),
        /previousVersionId/,
      ],
      [() => post(`/v1/dids/${did0}/deactivate`, write, { previousVersionId: '1' }), /proof/],
      [
        () =>
          post('/v1/dids/status-lists', write, {
            issuer: did0,
            listId: 'l',
            purpose: 'expiry',
            version: 1,
            digest: 'ab'.repeat(32),
            proof: { kid: `${did0}#k`, signature: 'AA' },
          }),
        /purpose/,
      ],
      [
        () =>
          post('/v1/dids/status-lists', write, {
            issuer: did0,
            listId: 'l',
            purpose: 'revocation',
            version: 0,
            digest: 'ab'.repeat(32),
            proof: { kid: `${did0}#k`, signature: 'AA' },
          }),
        /version/,
      ],
      [
        () =>
          post('/v1/dids/status-lists', write, {
            issuer: did0,
            listId: 'l',
            purpose: 'revocation',
            version: 1,
            encodedList: 'uAAAA',
            digest: 'ab'.repeat(32),
            proof: { kid: `${did0}#k`, signature: 'AA' },
          }),
        /digest does not match/,
      ],
      [
        () =>
          post('/v1/dids/status-lists', write, {
            issuer: did0,
            listId: 'l',
            purpose: 'revocation',
            version: 1,
            proof: { kid: `${did0}#k`, signature: 'AA' },
          }),
        /encodedList or digest/,
      ],
      [
        () =>
          post('/v1/dids/credential-batches', write, {
            issuer: did0,
            batchId: 'b',
            root: 'zz',
            size: 1,
            proof: { kid: `${did0}#k`, signature: 'AA' },
          }),
        /root/,
      ],
      [
        () =>
          post('/v1/dids/credential-batches/verify-inclusion', read, {
            issuer: did0,
            batchId: 'b',
            leaf: '00',
            index: 0,
            path: Array(65).fill('ab'.repeat(32)),
          }),
        /path/,
      ],
      [() => get(`/v1/dids/status-lists/${did0}/l/entries/-1`, read), /index/],
      [() => get(`/v1/dids/status-lists/${did0}/l/entries/1?at=yesterday`, read), /at/],
      [() => get('/v1/dids/did:example:1', read), /did/],
      [() => get(`/v1/dids/${did0}?versionId=1&versionTime=2026-01-01T00:00:00Z`, read), /not both/],
      [() => get(`/v1/dids/${did0}?versionTime=soon`, read), /versionTime/],
    ];
    for (const [send, message] of cases) {
      const r = await send();
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(message);
    }
    expect(await intakeRows()).toBe(0);
  });

  it('needs dids:write to relay and dids:read to resolve', async () => {
    expect((await post('/v1/dids', read, {})).status).toBe(403);
    expect((await get(`/v1/dids/${did0}`, write)).status).toBe(403);
    expect((await get(`/v1/dids/${did0}`, read)).status).toBe(404);
  });

  it('the binding needs no key, answers from the cache, and limits each client address', async () => {
    const first = await t.app.inject({ method: 'GET', url: `/1.0/identifiers/${encodeURIComponent(did0)}` });
    expect(first.statusCode).toBe(404);
    expect(first.headers['content-type']).toBe('application/did-resolution');
    expect(first.json()).toMatchObject({
      didResolutionMetadata: { error: { type: 'https://www.w3.org/ns/did#NOT_FOUND' } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) {
      const r = await t.app.inject({
        method: 'GET',
        url: `/1.0/identifiers/${did0}`,
        headers: { accept: 'application/did+json' },
      });
      statuses.push(r.statusCode);
    }
    expect(statuses).toContain(429);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    // Another address is not limited by the first one's traffic.
    const other = await t.app.inject({ method: 'GET', url: `/1.0/identifiers/${did0}`, remoteAddress: '10.9.8.7' });
    expect(other.statusCode).toBe(404);
  });

  it('credential routes: bad input is a 400 naming the field; without an issuer key issuing is a 503', async () => {
    expect(
      (await post('/v1/dids/credentials', write, { subjectDid: 'did:example:1', programId: 'p' })).body.message,
    ).toMatch(/subjectDid/);
    expect((await post('/v1/dids/credentials', write, { subjectDid: did0, programId: 'a b' })).body.message).toMatch(
      /programId/,
    );
    expect((await post('/v1/dids/credentials/verify', read, { jwt: 'not a jwt' })).body.message).toMatch(/jwt/);
    expect((await post('/v1/dids/credentials/not-a-uuid/revoke', write, {})).status).toBe(400);
    const off = await post('/v1/dids/credentials', write, { subjectDid: did0, programId: 'p' });
    expect(off.status).toBe(503);
    expect(off.body.message).toMatch(/CREDENTIAL_ISSUER_KEY_FILE/);
    expect((await post('/v1/dids/credentials/issuer', write, {})).status).toBe(503);
    expect((await post('/v1/dids/credentials/verify', write, { jwt: 'a.b.c' })).status).toBe(403);
  });
});
