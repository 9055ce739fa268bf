/**
 * did:mallchain end to end on the real dev network, through both malls' middlewares: a member DID created through
 * mall A's `/v1/dids` relay, resolved at two versions from both malls' DID Resolution bindings, JWTs checked with
 * did-jwt through the `did-resolver-mallchain` driver (HTTP binding and the Fabric gateway), forged and stale
 * operations refused before the outbox, and the deactivated DID answered with 410.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import canonicalize from 'canonicalize';
import { ES256Signer, createJWT, verifyJWT } from 'did-jwt';
import { Resolver } from 'did-resolver';
import { getResolver } from '../../../packages/did-resolver-mallchain/src';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { LEDGER, type LedgerPort } from '../../src/ledger/ledger.port';
import { call, committedItem, poll } from './support/http';
import type { RealApp } from './support/real-app';
import { realEnv } from './support/real-env';
import { type TwoMallWorld, twoMallWorld } from './support/two-mall-world';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);

interface MemberKey {
  readonly privateKey: KeyObject;
  readonly jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  readonly d: Uint8Array;
}

function newKey(): MemberKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const j = privateKey.export({ format: 'jwk' });
  return {
    privateKey,
    jwk: { kty: 'EC', crv: 'P-256', x: j.x ?? '', y: j.y ?? '' },
    d: Buffer.from(j.d ?? '', 'base64url'),
  };
}

function didOf(k: MemberKey): string {
  const members = { crv: k.jwk.crv, kty: k.jwk.kty, x: k.jwk.x, y: k.jwk.y };
  return `did:mallchain:${createHash('sha256')
    .update(canonicalize(members) ?? '')
    .digest('base64url')}`;
}

function documentOf(did: string, keys: readonly { fragment: string; key: MemberKey }[]): Record<string, unknown> {
  const ids = keys.map((k) => `${did}#${k.fragment}`);
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: keys.map((k) => ({
      id: `${did}#${k.fragment}`,
      type: 'JsonWebKey2020',
      controller: did,
      publicKeyJwk: k.key.jwk,
    })),
    authentication: ids,
    assertionMethod: ids,
  };
}

/** ES256 over JCS, raw r‖s, base64url: what the chaincode verifies. */
function signJcs(key: MemberKey, value: unknown): string {
  return sign('sha256', Buffer.from(canonicalize(value) ?? ''), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
}

async function resolveBinding(
  base: string,
  did: string,
  accept: string | undefined,
  query = '',
): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/1.0/identifiers/${encodeURIComponent(did)}${query}`, {
    headers: accept === undefined ? {} : { accept },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: JSON.parse(await res.text()) as Record<string, unknown>,
  };
}

type Meta = { versionId?: string; deactivated?: boolean; updated?: string };
const metaOf = (body: Record<string, unknown>): Meta => body.didDocumentMetadata as Meta;

describe('did:mallchain on the dev network, through both malls', () => {
  let a: RealApp;
  let b: RealApp;
  let keyA: string;
  let keyB: string;
  let channel: string;
  let netFile: string;
  const k1 = newKey();
  const k2 = newKey();
  const did = didOf(k1);
  let v1Updated = '';

  const jwtBy = (key: MemberKey, fragment: string): Promise<string> =>
    createJWT(
      { aud: 'mall-b.example.com', purpose: 'e2e' },
      { issuer: did, signer: ES256Signer(key.d) },
      { alg: 'ES256', kid: `${did}#${fragment}` },
    );

  /** Waits until a mall's binding serves the DID at `versionId` (its projection caught up). */
  const atVersion = (app: RealApp, versionId: string): Promise<Record<string, unknown>> =>
    poll(`${did} at version ${versionId} on ${app.base}`, async () => {
      const r = await resolveBinding(app.base, did, 'application/did-resolution');
      return metaOf(r.body).versionId === versionId ? r.body : undefined;
    });

  let world: TwoMallWorld | undefined;

  beforeAll(async () => {
    const w = (world = await twoMallWorld({
      scopes: { a: ['dids:write', 'dids:read', 'intake:read'], b: ['dids:read'] },
      keyName: 'dids',
      issuerAtA: true,
    }));
    ({ channel, networkFile: netFile } = w);
    [a, keyA, b, keyB] = [w.a.app, w.a.key, w.b.app, w.b.key];
  }, 300_000);
  afterAll(() => world?.close());

  it('creates a member DID through mall A and resolves it from both malls', async () => {
    const document = documentOf(did, [{ fragment: 'key-1', key: k1 }]);
    const op = {
      op: 'create',
      channel,
      chaincode: 'mallchain',
      did,
      previousVersionId: null,
      role: 'member',
      document,
    };
    const r = await call<{ trackingId: string; outcome: string }>(a.base, keyA, 'POST', '/v1/dids', {
      role: 'member',
      document,
      proof: { kid: `${did}#key-1`, signature: signJcs(k1, op) },
    });
    expect(r.status).toBe(202);
    expect(r.body.outcome).toBe('accepted');
    await committedItem(a.base, keyA, r.body.trackingId);
    for (const app of [a, b]) {
      const body = await atVersion(app, '1');
      expect(body.didDocument).toEqual(document);
      expect(metaOf(body)).toMatchObject({ versionId: '1', deactivated: false });
    }
    v1Updated = metaOf(await atVersion(a, '1')).updated ?? '';
    // The cache answers what the peer answers.
    const cached = await call(b.base, keyB, 'GET', `/v1/dids/${did}`);
    const onPeer = await call(b.base, keyB, 'GET', `/v1/dids/${did}?consistency=ledger`);
    expect(cached.status).toBe(200);
    expect(cached.body).toEqual(onPeer.body);
  }, 300_000);

  it('a JWT signed with key-1 verifies with did-jwt through the driver (HTTP binding of both malls, and the gateway)', async () => {
    const jwt = await jwtBy(k1, 'key-1');
    const ledger = a.app.get<LedgerPort>(LEDGER);
    const contract = { evaluateTransaction: (fn: string, ...args: string[]) => ledger.evaluate(fn, args) };
    for (const resolver of [
      new Resolver(getResolver({ url: a.base })),
      new Resolver(getResolver({ url: b.base })),
      new Resolver(getResolver({ gateway: { contract } })),
    ]) {
      const v = await verifyJWT(jwt, { resolver, audience: 'mall-b.example.com' });
      expect(v.verified).toBe(true);
      expect(v.signer.id).toBe(`${did}#key-1`);
    }
  }, 120_000);

  it('refuses a forged create and a forged update before the outbox (400, nothing accepted)', async () => {
    const other = newKey();
    const document = documentOf(didOf(other), [{ fragment: 'key-1', key: other }]);
    // Signed by another key than the one the DID is derived from.
    const op = {
      op: 'create',
      channel,
      chaincode: 'mallchain',
      did: didOf(other),
      previousVersionId: null,
      role: 'member',
      document,
    };
    const forged = await call(a.base, keyA, 'POST', '/v1/dids', {
      role: 'member',
      document,
      proof: { kid: `${didOf(other)}#key-1`, signature: signJcs(k1, op) },
    });
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ error: 'DID_SIGNATURE' });
    const next = documentOf(did, [{ fragment: 'key-2', key: k2 }]);
    const upd = { op: 'update', channel, chaincode: 'mallchain', did, previousVersionId: '1', document: next };
    const wrongKey = await call(a.base, keyA, 'POST', `/v1/dids/${did}/update`, {
      previousVersionId: '1',
      document: next,
      proof: { kid: `${did}#key-1`, signature: signJcs(k2, upd) },
    });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body).toMatchObject({ error: 'DID_SIGNATURE' });
    const onOtherChannel = await call(a.base, keyA, 'POST', `/v1/dids/${did}/update`, {
      previousVersionId: '1',
      document: next,
      proof: { kid: `${did}#key-1`, signature: signJcs(k1, { ...upd, channel: 'otherchannel' }) },
    });
    expect(onOtherChannel.status).toBe(400);
  }, 120_000);

  it('rotates key-1 out (version 2): both malls resolve both versions; the key-1 JWT no longer verifies', async () => {
    const next = documentOf(did, [{ fragment: 'key-2', key: k2 }]);
    const upd = { op: 'update', channel, chaincode: 'mallchain', did, previousVersionId: '1', document: next };
    const r = await call<{ trackingId: string }>(a.base, keyA, 'POST', `/v1/dids/${did}/update`, {
      previousVersionId: '1',
      document: next,
      proof: { kid: `${did}#key-1`, signature: signJcs(k1, upd) },
    });
    expect(r.status).toBe(202);
    await committedItem(a.base, keyA, r.body.trackingId);
    for (const app of [a, b]) {
      expect((await atVersion(app, '2')).didDocument).toEqual(next);
      const v1 = await resolveBinding(app.base, did, 'application/did-resolution', '?versionId=1');
      expect(v1.status).toBe(200);
      expect(metaOf(v1.body)).toMatchObject({ versionId: '1', nextVersionId: '2' });
      expect((v1.body.didDocument as { verificationMethod: { id: string }[] }).verificationMethod[0]?.id).toBe(
        `${did}#key-1`,
      );
      const atTime = await resolveBinding(
        app.base,
        did,
        'application/did+json',
        `?versionTime=${encodeURIComponent(v1Updated)}`,
      );
      expect(atTime.status).toBe(200);
      expect(atTime.type).toBe('application/did+json');
      expect(atTime.body).toEqual(documentOf(did, [{ fragment: 'key-1', key: k1 }]));
      const before = await resolveBinding(
        app.base,
        did,
        'application/did-resolution',
        '?versionTime=2000-01-01T00:00:00Z',
      );
      expect(before.status).toBe(404);
    }
    const stale = await call(a.base, keyA, 'POST', `/v1/dids/${did}/update`, {
      previousVersionId: '1',
      document: next,
      proof: { kid: `${did}#key-1`, signature: signJcs(k1, upd) },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'DID_STALE' });
    const old = await jwtBy(k1, 'key-1');
    await expect(
      verifyJWT(old, { resolver: new Resolver(getResolver({ url: b.base })), audience: 'mall-b.example.com' }),
    ).rejects.toThrow();
    const fresh = await jwtBy(k2, 'key-2');
    expect(
      (await verifyJWT(fresh, { resolver: new Resolver(getResolver({ url: b.base })), audience: 'mall-b.example.com' }))
        .verified,
    ).toBe(true);
  }, 300_000);

  it('the CLI resolves from the cache of mall B, at a version, and names a bad DID (exit 1)', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
    const env = { ...process.env, ...realEnv(netFile, b.databaseUrl, { mspId: 'MallBMSP' }), MIGRATIONS_RUN: 'false' };
    const ok = await run('node', [CLI, 'did', 'resolve', did, '--version-id', '1'], { env });
    const r = JSON.parse(ok.stdout) as Record<string, unknown>;
    expect(metaOf(r)).toMatchObject({ versionId: '1', nextVersionId: '2' });
    const bad = await run('node', [CLI, 'did', 'resolve', 'did:example:1'], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a did:mallchain DID/);
  }, 120_000);

  it('answers each binding case with its status, media type and body', async () => {
    const cases: [string, string | undefined, string, number, string, string][] = [
      // identifier, Accept, query, status, content type, problem type (or '' for a success)
      [did, 'application/did+ld+json', '', 200, 'application/did+ld+json', ''],
      [
        did,
        'application/ld+json;profile="https://w3id.org/did-resolution"',
        '',
        200,
        'application/ld+json;profile="https://w3id.org/did-resolution"',
        '',
      ],
      [
        'not-a-did',
        'application/did-resolution',
        '',
        400,
        'application/did-resolution',
        'https://www.w3.org/ns/did#INVALID_DID',
      ],
      [
        'did:mallchain:short',
        'application/did+json',
        '',
        400,
        'application/problem+json',
        'https://www.w3.org/ns/did#INVALID_DID',
      ],
      [
        'did:example:123',
        'application/did+json',
        '',
        501,
        'application/problem+json',
        'https://www.w3.org/ns/did#METHOD_NOT_SUPPORTED',
      ],
      [did, 'text/html', '', 406, 'application/problem+json', 'https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED'],
      [
        didOf(newKey()),
        'application/did+json',
        '',
        404,
        'application/problem+json',
        'https://www.w3.org/ns/did#NOT_FOUND',
      ],
      [
        did,
        'application/did-resolution',
        '?versionId=9',
        404,
        'application/did-resolution',
        'https://www.w3.org/ns/did#NOT_FOUND',
      ],
      [
        did,
        'application/did+json',
        '?versionId=1&versionTime=2026-01-01T00:00:00Z',
        400,
        'application/problem+json',
        'https://www.w3.org/ns/did#INVALID_OPTIONS',
      ],
    ];
    for (const [id, accept, query, status, type, problemType] of cases) {
      const r = await resolveBinding(a.base, id, accept, query);
      expect({ id, accept, query, status: r.status, type: r.type }).toEqual({ id, accept, query, status, type });
      if (problemType === '') continue;
      const p = (
        type === 'application/problem+json' ? r.body : (r.body.didResolutionMetadata as { error: unknown }).error
      ) as { type: string; status: number; detail: string };
      expect(p).toMatchObject({ type: problemType, status });
      expect(p.detail.length).toBeGreaterThan(0);
    }
  }, 120_000);

  it('deactivates the DID: 410 on both malls with deactivated metadata, and no JWT verifies any more', async () => {
    const op = { op: 'deactivate', channel, chaincode: 'mallchain', did, previousVersionId: '2' };
    const r = await call<{ trackingId: string }>(a.base, keyA, 'POST', `/v1/dids/${did}/deactivate`, {
      previousVersionId: '2',
      proof: { kid: `${did}#key-2`, signature: signJcs(k2, op) },
    });
    expect(r.status).toBe(202);
    await committedItem(a.base, keyA, r.body.trackingId);
    for (const app of [a, b]) {
      await atVersion(app, '3');
      const res = await resolveBinding(app.base, did, 'application/did-resolution');
      expect(res.status).toBe(410);
      expect(res.type).toBe('application/did-resolution');
      expect(metaOf(res.body)).toMatchObject({ deactivated: true, versionId: '3' });
      expect((res.body.didDocument as { verificationMethod: unknown[] }).verificationMethod).toEqual([]);
      const doc = await resolveBinding(app.base, did, 'application/did+json');
      expect(doc.status).toBe(410);
      expect(doc.type).toBe('application/problem+json');
      expect(doc.body).toMatchObject({ status: 410, didDocumentMetadata: { deactivated: true } });
    }
    const jwt = await jwtBy(k2, 'key-2');
    await expect(
      verifyJWT(jwt, { resolver: new Resolver(getResolver({ url: b.base })), audience: 'mall-b.example.com' }),
    ).rejects.toThrow();
    const again = await call(a.base, keyA, 'POST', `/v1/dids/${did}/deactivate`, {
      previousVersionId: '3',
      proof: { kid: `${did}#key-2`, signature: signJcs(k2, { ...op, previousVersionId: '3' }) },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'DID_DEACTIVATED' });
  }, 300_000);

  it('anchors status lists and a batch root for an issuer DID: status by time, revocation, inclusion', async () => {
    const ik = newKey();
    const issuer = didOf(ik);
    const document = documentOf(issuer, [{ fragment: 'key-1', key: ik }]);
    const op = {
      op: 'create',
      channel,
      chaincode: 'mallchain',
      did: issuer,
      previousVersionId: null,
      role: 'member',
      document,
    };
    const created = await call<{ trackingId: string }>(a.base, keyA, 'POST', '/v1/dids', {
      role: 'member',
      document,
      proof: { kid: `${issuer}#key-1`, signature: signJcs(ik, op) },
    });
    await committedItem(a.base, keyA, created.body.trackingId);
    const listId = `members-${Date.now().toString(36)}`;
    const bits = Buffer.alloc(16_384);
    const encoded = (): string => `u${gzipSync(bits).toString('base64url')}`;
    const anchor = async (version: number): Promise<void> => {
      const encodedList = encoded();
      const digest = createHash('sha256').update(encodedList, 'utf8').digest('hex');
      const payload = {
        op: 'anchorStatusList',
        channel,
        chaincode: 'mallchain',
        issuer,
        listId,
        purpose: 'revocation',
        version,
        digest,
      };
      const r = await call<{ trackingId: string }>(a.base, keyA, 'POST', '/v1/dids/status-lists', {
        issuer,
        listId,
        purpose: 'revocation',
        version,
        encodedList,
        proof: { kid: `${issuer}#key-1`, signature: signJcs(ik, payload) },
      });
      expect(r.status).toBe(202);
      await committedItem(a.base, keyA, r.body.trackingId);
    };
    await anchor(1);
    const entry = (app: RealApp, key: string, q = ''): Promise<{ status: number; body: Record<string, unknown> }> =>
      call(app.base, key, 'GET', `/v1/dids/status-lists/${issuer}/${listId}/entries/5${q}`);
    const v1 = await entry(b, keyB);
    expect(v1.body).toMatchObject({ index: 5, status: 'valid', bit: 0 });
    const v1At = (v1.body.statusList as { anchoredAt: string }).anchoredAt;
    bits[0] = 0b0000_0100; // index 5: the sixth bit from the left of the first byte
    await anchor(2);
    expect((await entry(b, keyB)).body).toMatchObject({ status: 'revoked', bit: 1 });
    expect((await entry(b, keyB, `?at=${encodeURIComponent(v1At)}`)).body).toMatchObject({ status: 'valid' });
    const list = await call(b.base, keyB, 'GET', `/v1/dids/status-lists/${issuer}/${listId}?version=1`);
    expect(list.body).toMatchObject({ version: 1, purpose: 'revocation', length: 131_072 });
    expect((await call(b.base, keyB, 'GET', `/v1/dids/status-lists/${issuer}/nope`)).status).toBe(404);
    // A forged anchor (signed by another key) is refused before the outbox; a replayed version is a duplicate.
    const forged = await call(a.base, keyA, 'POST', '/v1/dids/status-lists', {
      issuer,
      listId,
      purpose: 'revocation',
      version: 3,
      digest: 'ab'.repeat(32),
      proof: { kid: `${issuer}#key-1`, signature: signJcs(newKey(), { op: 'anchorStatusList' }) },
    });
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ error: 'DID_SIGNATURE' });

    // RFC 9162: three leaves, root = node(node(h0, h1), h2); the audit path of leaf 1 is [h0, h2].
    const leafHash = (d: Buffer): Buffer =>
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), d]))
        .digest();
    const node = (l: Buffer, r: Buffer): Buffer =>
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([1]), l, r]))
        .digest();
    const leaves = ['vc-0', 'vc-1', 'vc-2'].map((t) => Buffer.from(t));
    const [h0, h1, h2] = leaves.map(leafHash) as [Buffer, Buffer, Buffer];
    const root = node(node(h0, h1), h2).toString('hex');
    const batchId = `batch-${Date.now().toString(36)}`;
    const bp = { op: 'anchorCredentialBatch', channel, chaincode: 'mallchain', issuer, batchId, root, size: 3 };
    const batch = await call<{ trackingId: string }>(a.base, keyA, 'POST', '/v1/dids/credential-batches', {
      issuer,
      batchId,
      root,
      size: 3,
      proof: { kid: `${issuer}#key-1`, signature: signJcs(ik, bp) },
    });
    expect(batch.status).toBe(202);
    await committedItem(a.base, keyA, batch.body.trackingId);
    const proofOf = (leaf: Buffer): object => ({
      issuer,
      batchId,
      leaf: leaf.toString('hex'),
      index: 1,
      path: [h0.toString('hex'), h2.toString('hex')],
    });
    const inc = await call(b.base, keyB, 'POST', '/v1/dids/credential-batches/verify-inclusion', proofOf(leaves[1]!));
    expect(inc.status).toBe(200);
    expect(inc.body).toMatchObject({ included: true, batch: { root, size: 3 } });
    const wrong = await call(b.base, keyB, 'POST', '/v1/dids/credential-batches/verify-inclusion', proofOf(leaves[2]!));
    expect(wrong.body).toMatchObject({ included: false });
  }, 300_000);

  it('issues a membership credential that verifies on mall B, then revokes it: refused on both malls', async () => {
    const setup = await call<{ issuer: string; create: { trackingId: string }; statusList: { trackingId: string } }>(
      a.base,
      keyA,
      'POST',
      '/v1/dids/credentials/issuer',
    );
    expect(setup.status).toBe(202);
    await committedItem(a.base, keyA, setup.body.create.trackingId);
    await committedItem(a.base, keyA, setup.body.statusList.trackingId);
    const subjectDid = didOf(newKey());
    const issued = await call<{ id: string; jwt: string; issuer: string; statusListIndex: number }>(
      a.base,
      keyA,
      'POST',
      '/v1/dids/credentials',
      { subjectDid, programId: 'mall-a-rewards' },
    );
    expect(issued.status).toBe(201);
    expect(issued.body.issuer).toBe(setup.body.issuer);
    const verifyOn = (app: RealApp, key: string, jwt = issued.body.jwt): Promise<Record<string, unknown>> =>
      call(app.base, key, 'POST', '/v1/dids/credentials/verify', { jwt }).then((r) => r.body);
    const onB = await poll('the issuer DID in mall B’s cache', async () => {
      const v = await verifyOn(b, keyB);
      return v.verified === true ? v : undefined;
    });
    expect(onB).toMatchObject({ verified: true, status: 'valid', subject: subjectDid, programId: 'mall-a-rewards' });
    // A credential whose payload was altered does not verify.
    const [h, p, sig] = issued.body.jwt.split('.') as [string, string, string];
    const altered = JSON.parse(Buffer.from(p, 'base64url').toString()) as { sub: string };
    altered.sub = didOf(newKey());
    const forged = `${h}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${sig}`;
    expect(await verifyOn(b, keyB, forged)).toMatchObject({ verified: false });

    const revoked = await call<{ trackingId: string }>(
      a.base,
      keyA,
      'POST',
      `/v1/dids/credentials/${issued.body.id}/revoke`,
    );
    expect(revoked.status).toBe(202);
    await committedItem(a.base, keyA, revoked.body.trackingId);
    for (const [app, key] of [
      [a, keyA],
      [b, keyB],
    ] as const)
      expect(await verifyOn(app, key)).toMatchObject({ verified: false, status: 'revoked' });
    const again = await call(a.base, keyA, 'POST', `/v1/dids/credentials/${issued.body.id}/revoke`);
    expect(again.status).toBe(409);
    const env = { ...process.env, ...realEnv(netFile, b.databaseUrl, { mspId: 'MallBMSP' }), MIGRATIONS_RUN: 'false' };
    const cli = await run('node', [CLI, 'credential', 'verify', '--jwt', issued.body.jwt], { env });
    expect(JSON.parse(cli.stdout)).toMatchObject({ verified: false, status: 'revoked' });
    // Mall B holds no issuer key: issuing there is switched off.
    const keyBw = (await b.app.get(ApiKeysService).create('MallBMSP', 'w', ['dids:write'])).key;
    expect((await call(b.base, keyBw, 'POST', '/v1/dids/credentials', { subjectDid, programId: 'p' })).status).toBe(
      503,
    );
  }, 300_000);

  it('a rebuild of mall B from block 0 replays the DID cache equal to the live one', async () => {
    const r = await call<{ tables: { table: string; onlyLive: number; onlyRebuilt: number }[] }>(
      b.base,
      b.key,
      'POST',
      '/v1/admin/projection/rebuild',
      {},
    );
    expect(r.status).toBe(200);
    const dids = r.body.tables.filter((t) => t.table.startsWith('did_'));
    expect(dids.map((t) => t.table).sort()).toEqual(['did_documents', 'did_versions']);
    expect(dids).toEqual(dids.map((t) => ({ ...t, onlyLive: 0, onlyRebuilt: 0 })));
    expect(dids.length).toBe(2);
  }, 300_000);
});
