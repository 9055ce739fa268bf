import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MallClient, MallError } from './mall-client';
import { emptyWallet } from './keystore';
import { Wallet } from './wallet';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A stand-in of the middleware's /v1/dids, /v1/intake and /1.0/identifiers answering from `route`. */
function serve(
  route: (s: Seen) => { status: number; body?: unknown; raw?: string } | 'hang',
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const s = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      seen.push(s);
      const a = route(s);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.raw ?? (a.body === undefined ? '' : JSON.stringify(a.body)));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server });
    });
  });
}

const ack = { trackingId: '5f0c2f9e-3a0e-4a53-9d0c-1f3c2b6e7a10', outcome: 'accepted', status: 'pending' };

describe('MallClient', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (s) =>
          new Promise((r) => {
            s.closeAllConnections();
            s.close(r);
          }),
      ),
    );
  });
  async function mall(route: Parameters<typeof serve>[0]): Promise<{ url: string; seen: Seen[] }> {
    const m = await serve(route);
    servers.push(m.server);
    return m;
  }

  it('relays create, rotate, deactivate (/v1/dids) and a custodial claim as the wallet signed them, with the API key', async () => {
    const m = await mall(() => ({ status: 202, body: ack }));
    const client = new MallClient({ url: `${m.url}/`, apiKey: 'k-1' });
    const w = new Wallet(emptyWallet());
    const create = w.createDid('mallchannel', 'ES256');
    const did = create.document.id;
    const rotate = w.rotate('mallchannel', did, 'EdDSA');
    const deactivate = w.deactivate('mallchannel', did);
    const claim = new Wallet(emptyWallet()).claim('mallchannel', did, '1', 'ES256');
    expect(await client.createDid(create)).toEqual(ack);
    await client.updateDid(rotate);
    await client.deactivateDid(deactivate);
    await client.claimCustodialDid(claim);
    const enc = encodeURIComponent(did);
    expect(m.seen.map((s) => [s.method, s.url, s.headers['x-api-key'], s.headers['content-type']])).toEqual([
      ['POST', '/v1/dids', 'k-1', 'application/json'],
      ['POST', `/v1/dids/${enc}/update`, 'k-1', 'application/json'],
      ['POST', `/v1/dids/${enc}/deactivate`, 'k-1', 'application/json'],
      ['POST', '/v1/custodial-dids/claim', 'k-1', 'application/json'],
    ]);
    expect(m.seen[3]!.body).toEqual(claim);
    expect(m.seen[0]!.body).toEqual(create);
    expect(m.seen[1]!.body).toEqual({ previousVersionId: '1', document: rotate.document, proof: rotate.proof });
    expect(m.seen[2]!.body).toEqual({ previousVersionId: '2', proof: deactivate.proof });
  });

  it("turns the mall's refusals into MallErrors naming status, code and message", async () => {
    const m = await mall((s) =>
      s.url.endsWith('/update')
        ? { status: 409, body: { statusCode: 409, error: 'DID_STALE', message: 'x is at version 3' } }
        : {
            status: 400,
            body: { statusCode: 400, error: 'Bad Request', message: ['proof.signature must be base64url'] },
          },
    );
    const client = new MallClient({ url: m.url, apiKey: 'k' });
    const w = new Wallet(emptyWallet());
    const create = w.createDid('mallchannel', 'ES256');
    const e = (await client.createDid(create).catch((x: unknown) => x)) as MallError;
    expect(e).toBeInstanceOf(MallError);
    expect([e.status, e.message]).toEqual([400, 'POST /v1/dids: 400 Bad Request: proof.signature must be base64url']);
    const stale = (await client
      .updateDid(w.rotate('mallchannel', create.document.id, 'ES256'))
      .catch((x: unknown) => x)) as MallError;
    expect([stale.status, stale.message]).toEqual([409, expect.stringContaining('DID_STALE: x is at version 3')]);
  });

  it('refuses to write without an API key, and to talk to a non-http URL, before sending anything', async () => {
    const m = await mall(() => ({ status: 202, body: ack }));
    const w = new Wallet(emptyWallet());
    await expect(new MallClient({ url: m.url }).createDid(w.createDid('c', 'ES256'))).rejects.toThrow(
      'MALLCHAIN_MALL_API_KEY',
    );
    expect(m.seen).toHaveLength(0);
    expect(() => new MallClient({ url: 'ftp://mall-a.example.com' })).toThrow('http(s)');
    expect(() => new MallClient({ url: 'mall-a' })).toThrow('is not a URL');
  });

  it('reports an unreachable or silent mall as status 0 with the reason', async () => {
    const m = await mall(() => 'hang');
    const slow = new MallClient({ url: m.url, apiKey: 'k', timeoutMs: 200 });
    const silent = (await slow.intake(ack.trackingId).catch((x: unknown) => x)) as MallError;
    expect([silent.status, silent.message]).toEqual([
      0,
      `GET ${m.url}/v1/intake/${ack.trackingId}: no answer in 200 ms`,
    ]);
    const down = new MallClient({ url: 'http://127.0.0.1:9', apiKey: 'k' });
    await expect(down.intake(ack.trackingId)).rejects.toMatchObject({ status: 0 });
  });

  it('follows the intake item to committed, and names the chaincode code of a dead one', async () => {
    let polls = 0;
    const m = await mall((s) => {
      if (s.url.endsWith('/dead'))
        return { status: 200, body: { ...ack, status: 'dead', errorCode: 'AUTH_SIGNATURE', lastError: 'bad proof' } };
      polls += 1;
      return { status: 200, body: { ...ack, status: polls < 3 ? 'pending' : 'committed', txId: 'tx1' } };
    });
    const client = new MallClient({ url: m.url, apiKey: 'k' });
    expect(await client.waitCommitted(ack.trackingId, 10_000, 10)).toMatchObject({ status: 'committed', txId: 'tx1' });
    expect(polls).toBe(3);
    expect(m.seen[0]!.url).toBe(`/v1/intake/${ack.trackingId}`);
    await expect(client.waitCommitted('dead', 10_000, 10)).rejects.toMatchObject({
      status: 409,
      message: 'the ledger refused the operation: AUTH_SIGNATURE bad proof',
    });
  });

  it('resolves through /1.0/identifiers without an API key, at a version or time; 410 is a result, 404 an error', async () => {
    const did = 'did:mallchain:3Jx0gmL4H2wW4m9Z8yE7nX1fKq2b5T4r9sXcQvYpA0s';
    const m = await mall((s) => {
      if (s.url.includes('versionId=9'))
        return {
          status: 404,
          raw: JSON.stringify({
            type: 'https://w3id.org/security#NOT_FOUND',
            title: 'notFound',
            detail: 'no version 9',
          }),
        };
      if (s.url.includes('versionTime'))
        return {
          status: 410,
          body: { didDocument: null, didDocumentMetadata: { deactivated: true }, didResolutionMetadata: {} },
        };
      return {
        status: 200,
        body: { didDocument: { id: did }, didDocumentMetadata: { versionId: '1' }, didResolutionMetadata: {} },
      };
    });
    const client = new MallClient({ url: m.url });
    expect(await client.resolve(did, { versionId: '1' })).toMatchObject({ status: 200, didDocument: { id: did } });
    expect(await client.resolve(did, { versionTime: '2026-03-01T02:00:30Z' })).toMatchObject({
      status: 410,
      didDocumentMetadata: { deactivated: true },
    });
    const missing = (await client.resolve(did, { versionId: '9' }).catch((x: unknown) => x)) as MallError;
    expect([missing.status, missing.message]).toEqual([
      404,
      `GET /1.0/identifiers/${encodeURIComponent(did)}?versionId=9: 404 notFound: no version 9`,
    ]);
    expect(m.seen.map((s) => [s.url, s.headers.accept, s.headers['x-api-key']])).toEqual([
      [`/1.0/identifiers/${encodeURIComponent(did)}?versionId=1`, 'application/did-resolution', undefined],
      [
        `/1.0/identifiers/${encodeURIComponent(did)}?versionTime=2026-03-01T02%3A00%3A30Z`,
        'application/did-resolution',
        undefined,
      ],
      [`/1.0/identifiers/${encodeURIComponent(did)}?versionId=9`, 'application/did-resolution', undefined],
    ]);
    await expect(client.resolve(did, { versionId: '1', versionTime: 'x' })).rejects.toThrow('not both');
  });
});
