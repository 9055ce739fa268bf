import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deviceCommand } from '../../src/devices/device.cli';
import { generateDeviceKey, signJcs, type DeviceKey } from '../../src/devices/device-key';
import { DevicesService } from '../../src/devices/devices.service';
import { recordsDigest, trafficStatement } from '../../src/huina/device-proof';
import { validateTrafficPush } from '../../src/huina/traffic.validator';
import { DeviceLedger } from '../../src/ledger/domain/device.ledger';
import { eventually } from '../support/test-app';
import { startHuinaApp, type HuinaApp } from './huina-harness';
import { push, rec, TREE } from './traffic-records';

const FIRMWARE = 'a'.repeat(64);

function registration(key: DeviceKey, signer = key, ownerMsp = 'MallAMSP'): Record<string, unknown> {
  const pop = DeviceLedger.possession('registerDevice', {
    channel: 'mallchannel',
    chaincode: 'mallchain',
    did: key.did,
    kid: `${key.did}#key-1`,
    ownerMsp,
  });
  return {
    did: key.did,
    type: 'people_counter',
    model: 'PC-3000',
    firmwareDigest: FIRMWARE,
    location: { site: 'Mall A', floor: 'F1' },
    publicKeyJwk: key.publicKeyJwk,
    proof: { signature: signJcs(signer.privateKey, pop) },
  };
}

describe('/v1/devices (devices:write): relayed registry changes, cache reads', () => {
  let t: HuinaApp;
  let key: string;
  const counter = generateDeviceKey();

  beforeAll(async () => {
    t = await startHuinaApp();
    key = await t.key(['devices:write']);
  });
  afterAll(() => t.close());

  const call = async (
    method: 'GET' | 'POST',
    url: string,
    body?: object,
    k = key,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await t.app.inject({ method, url, headers: { 'x-api-key': k }, ...(body ? { payload: body } : {}) });
    return { status: res.statusCode, body: res.json() };
  };
  const items = async (): Promise<number> =>
    Number((await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM intake_items`))[0]?.n);
  const cached = (did: string, status: string): Promise<Record<string, unknown>> =>
    eventually(async () => {
      const r = await call('GET', `/v1/devices/${did}`);
      return r.status === 200 && r.body.status === status ? r.body : undefined;
    });

  it('registers a device with its proof of possession, and serves it from the cache', async () => {
    const res = await call('POST', '/v1/devices', registration(counter));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ outcome: 'accepted' });
    const d = await cached(counter.did, 'active');
    expect(d).toMatchObject({ did: counter.did, ownerMsp: 'MallAMSP', type: 'people_counter' });
    expect((await call('GET', '/v1/devices?status=active')).body).toEqual([
      expect.objectContaining({ did: counter.did }),
    ]);
    expect((await call('GET', '/v1/devices?status=revoked')).body).toEqual([]);
    const again = await call('POST', '/v1/devices', registration(counter));
    expect(again.body).toMatchObject({ outcome: 'duplicate', trackingId: res.body.trackingId });
  });

  it.each([
    [
      'a proof by another key',
      (k: DeviceKey) => registration(k, generateDeviceKey()),
      'proof.signature does not verify',
    ],
    ['a proof for another mall', (k: DeviceKey) => registration(k, k, 'MallBMSP'), 'proof.signature does not verify'],
    [
      'a DID that is not the key',
      (k: DeviceKey) => ({ ...registration(k), did: generateDeviceKey().did }),
      'thumbprint',
    ],
    [
      'private key material',
      (k: DeviceKey) => ({ ...registration(k), publicKeyJwk: { ...k.publicKeyJwk, d: 'x' } }),
      'publicKeyJwk.d',
    ],
    ['an unknown type', (k: DeviceKey) => ({ ...registration(k), type: 'toaster' }), 'type'],
  ])('refuses %s with 400, nothing relayed', async (_n, body, message) => {
    const before = await items();
    const res = await call('POST', '/v1/devices', body(generateDeviceKey()));
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
    expect(await items()).toBe(before);
  });

  it('needs devices:write', async () => {
    const other = await t.key(['points:read']);
    expect((await call('GET', '/v1/devices', undefined, other)).status).toBe(403);
    expect((await call('POST', '/v1/devices', registration(generateDeviceKey()), other)).status).toBe(403);
  });

  it('suspends (proofs then refused with PROOF_INACTIVE), reactivates, and lists attestations per period', async () => {
    await t.call('POST', '/huina/v1/traffic', push(TREE));
    expect((await call('POST', `/v1/devices/${counter.did}/suspend`, { reason: 'maintenance' })).status).toBe(202);
    await cached(counter.did, 'suspended');
    const records = [rec({ siteKey: 'D-1' })];
    const parsed = validateTrafficPush(push(records), Date.now()).records;
    const statement = trafficStatement(parsed, { deviceDid: counter.did, seq: 1 }, 'mallchannel');
    const body = push(records, {
      deviceProof: {
        deviceDid: counter.did,
        seq: 1,
        digest: recordsDigest(records),
        signature: signJcs(counter.privateKey, statement),
      },
    });
    const refused = await t.call('POST', '/huina/v1/traffic', body);
    expect(refused.status).toBe(409);
    expect(refused.body.statusCode).toBe('PROOF_INACTIVE');
    expect((await call('POST', `/v1/devices/${counter.did}/reactivate`, {})).status).toBe(202);
    await cached(counter.did, 'active');
    expect((await t.call('POST', '/huina/v1/traffic', body)).status).toBe(200);
    const atts = await eventually(async () => {
      const r = await call(
        'GET',
        `/v1/devices/${counter.did}/attestations?from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z`,
      );
      return Array.isArray(r.body) && r.body.length > 0 ? (r.body as Record<string, unknown>[]) : undefined;
    });
    expect(atts[0]).toMatchObject({
      deviceDid: counter.did,
      seq: 1,
      kind: 'traffic',
      periodStart: '2026-11-30T02:00:00.000Z',
    });
    const wide = await call(
      'GET',
      `/v1/devices/${counter.did}/attestations?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z`,
    );
    expect(wide.status).toBe(400);
  });

  it('revokes with a compromise time; a reactivation takes no compromise time; unknown DIDs are 404/400', async () => {
    const bad = await call('POST', `/v1/devices/${counter.did}/reactivate`, { compromisedAt: '2026-11-30T00:00:00Z' });
    expect(bad.status).toBe(400);
    const res = await call('POST', `/v1/devices/${counter.did}/revoke`, {
      reason: 'stolen',
      compromisedAt: '2026-11-30T03:00:00Z',
    });
    expect(res.status).toBe(202);
    await cached(counter.did, 'revoked');
    expect((await call('GET', `/v1/devices/${generateDeviceKey().did}`)).status).toBe(404);
    expect((await call('GET', '/v1/devices/not-a-did')).status).toBe(400);
  });

  it('drives the same service from the CLI (node dist/cli.js device …)', async () => {
    const printer = generateDeviceKey();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mc-dev-')), 'reg.json');
    writeFileSync(file, JSON.stringify({ ...registration(printer), type: 'receipt_printer' }));
    const out: string[] = [];
    const err: string[] = [];
    const run = (...argv: string[]): Promise<number> =>
      deviceCommand(
        t.app.get(DevicesService),
        argv,
        (x) => out.push(x),
        (x) => err.push(x),
      );
    expect(await run('register', '--file', file)).toBe(0);
    expect(JSON.parse(out.pop() ?? '{}')).toMatchObject({ outcome: 'accepted' });
    await cached(printer.did, 'active');
    expect(await run('get', printer.did)).toBe(0);
    expect(JSON.parse(out.pop() ?? '{}')).toMatchObject({ did: printer.did, type: 'receipt_printer' });
    expect(await run('revoke', printer.did, '--compromised-at', 'yesterday')).toBe(1);
    expect(err.pop()).toContain('compromisedAt');
    expect(await run('suspend', 'not-a-did')).toBe(1);
    expect(await run('frobnicate')).toBe(2);
  });
});
