import { generateDeviceKey, signJcs, type DeviceKey } from '../../src/devices/device-key';
import { recordsDigest, trafficStatement } from '../../src/huina/device-proof';
import { validateTrafficPush } from '../../src/huina/traffic.validator';
import type { PublicJwk } from '../../src/ledger/domain/device.ledger';
import { eventually } from '../support/test-app';
import { startHuinaApp, type HuinaApp } from './huina-harness';
import { push, rec, TREE, type Rec } from './traffic-records';

interface Pushed {
  results: { status: string }[];
  attestation?: { trackingId: string; outcome: string };
}
interface CachedKey {
  kid: string;
  publicKeyJwk: PublicJwk;
  alg: 'ES256';
  validFrom: string;
  validTo?: string;
}

/** Records at 10:00–10:15 Asia/Shanghai on 2026-11-30: the statement's periodEnd is 2026-11-30T02:15:00Z. */
function proven(records: Rec[], seq: number, did: string, signer: DeviceKey): Record<string, unknown> {
  const parsed = validateTrafficPush(push(records), Date.now()).records;
  const statement = trafficStatement(parsed, { deviceDid: did, seq }, 'mallchannel');
  const signature = signJcs(signer.privateKey, statement);
  return push(records, { deviceProof: { deviceDid: did, seq, digest: recordsDigest(records), signature } });
}

describe('device proofs checked against the projected device cache, the chaincode checking again', () => {
  let t: HuinaApp;
  let reads: jest.SpyInstance;

  beforeAll(async () => {
    t = await startHuinaApp({ DEVICE_KEYS_SOURCE: 'cache' });
    expect((await t.call('POST', '/huina/v1/traffic', push(TREE))).status).toBe(200);
    reads = jest.spyOn(t.devices, 'evaluate');
  });
  afterAll(() => t.close());
  beforeEach(() => reads.mockClear());

  const post = (body: unknown): ReturnType<HuinaApp['call']> => t.call('POST', '/huina/v1/traffic', body);
  const peerReads = (): number => reads.mock.calls.filter(([fn]) => fn === 'devices:GetDevice').length;
  /** Plants the cache row as the projector writes it (`devices.record` = the chaincode's device record). */
  const project = async (did: string, status: string, keys: CachedKey[]): Promise<void> => {
    const record = { did, ownerMsp: 'MallAMSP', type: 'people_counter', status, keys };
    await t.db.query(
      `INSERT INTO devices (did, owner_msp, type, status, record, tx_id, block_number)
       VALUES ($1, 'MallAMSP', 'people_counter', $2, $3, 'tx-planted', 1)
       ON CONFLICT (did) DO UPDATE SET status = excluded.status, record = excluded.record`,
      [did, status, JSON.stringify(record)],
    );
  };
  const key1 = (k: DeviceKey): CachedKey => ({
    kid: `${k.did}#key-1`,
    publicKeyJwk: k.publicKeyJwk,
    alg: 'ES256',
    validFrom: '2020-01-01T00:00:00Z',
  });
  const settledItem = (trackingId: string): Promise<{ status: string; error_code: string | null }> =>
    eventually(async () => {
      const [row] = await t.db.query<{ status: string; error_code: string | null }[]>(
        'SELECT status, error_code FROM intake_items WHERE tracking_id = $1',
        [trackingId],
      );
      return row && row.status !== 'pending' ? row : undefined;
    });
  const stored = async (): Promise<{ buckets: number; items: number; reports: number }> => {
    const [r] = await t.db.query<{ buckets: string; items: string; reports: string }[]>(
      `SELECT (SELECT count(*) FROM huina_traffic_buckets) AS buckets, (SELECT count(*) FROM intake_items) AS items,
         (SELECT count(*) FROM huina_traffic_reports) AS reports`,
    );
    return { buckets: Number(r?.buckets), items: Number(r?.items), reports: Number(r?.reports) };
  };

  it('accepts a good proof from the cache alone: no read on the peer, anchored by the chaincode', async () => {
    const counter = generateDeviceKey();
    t.devices.register(counter.did, counter.publicKeyJwk);
    await project(counter.did, 'active', [key1(counter)]);
    const res = await post(proven([rec({ siteKey: 'C-1' })], 1, counter.did, counter));
    expect(res.status).toBe(200);
    expect(peerReads()).toBe(0);
    const a = (res.body.data as Pushed).attestation;
    expect(await settledItem(a?.trackingId ?? '')).toEqual({ status: 'committed', error_code: null });
    expect(t.devices.attestations.has(`${counter.did}#1`)).toBe(true);
  });

  it('falls back to the peer for a device not projected yet', async () => {
    const fresh = generateDeviceKey();
    t.devices.register(fresh.did, fresh.publicKeyJwk);
    const res = await post(proven([rec({ siteKey: 'C-2' })], 1, fresh.did, fresh));
    expect(res.status).toBe(200);
    expect(peerReads()).toBe(1);
    const a = (res.body.data as Pushed).attestation;
    expect(await settledItem(a?.trackingId ?? '')).toEqual({ status: 'committed', error_code: null });
  });

  it('refuses a forged proof with 400 PROOF_SIGNATURE although the device is cached, nothing stored', async () => {
    const counter = generateDeviceKey();
    t.devices.register(counter.did, counter.publicKeyJwk);
    await project(counter.did, 'active', [key1(counter)]);
    const before = await stored();
    const res = await post(proven([rec({ siteKey: 'C-3' })], 1, counter.did, generateDeviceKey()));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, statusCode: 'PROOF_SIGNATURE' });
    // The cache refused; the peer was asked before the refusal (a stale cache must not refuse a good proof).
    expect(peerReads()).toBe(1);
    expect(await stored()).toEqual(before);
  });

  it('a device revoked on the ledger but active in a stale cache: accepted at intake, refused by the chaincode, dead with DEVICE_INACTIVE, nothing anchored', async () => {
    const counter = generateDeviceKey();
    t.devices.register(counter.did, counter.publicKeyJwk);
    await project(counter.did, 'active', [key1(counter)]);
    (t.devices.devices.get(counter.did) as { status: string }).status = 'revoked';
    const res = await post(proven([rec({ siteKey: 'C-4' })], 1, counter.did, counter));
    expect(res.status).toBe(200);
    expect(peerReads()).toBe(0);
    const a = (res.body.data as Pushed).attestation;
    expect(a?.outcome).toBe('accepted');
    expect(await settledItem(a?.trackingId ?? '')).toEqual({ status: 'dead', error_code: 'DEVICE_INACTIVE' });
    expect(t.devices.attestations.has(`${counter.did}#1`)).toBe(false);
    // The buckets stay (they are not ledger items); their proof says the attestation died.
    const proof = await t.call('GET', '/huina/v1/traffic/proof?siteKey=C-4&dataTime=2026-11-30 10:00:00&interval=15');
    expect(proof.status).toBe(200);
    expect(proof.body.data).toMatchObject({ deviceDid: counter.did, seq: 1, status: 'dead', txId: null });
    // Once projected, the refusal is at intake (peer asked too, as for any refusal by the cache).
    await project(counter.did, 'revoked', [key1(counter)]);
    const later = await post(proven([rec({ siteKey: 'C-4b' })], 2, counter.did, counter));
    expect(later.status).toBe(409);
    expect(later.body).toMatchObject({ statusCode: 'PROOF_INACTIVE' });
  });

  it('races a rotation: the new key is accepted through the peer, the rotated-out key dies DEVICE_KEY at the chaincode', async () => {
    const counter = generateDeviceKey();
    const next = generateDeviceKey();
    t.devices.register(counter.did, counter.publicKeyJwk);
    await project(counter.did, 'active', [key1(counter)]);
    // Rotated on the ledger at 02:10Z (before the records' periodEnd 02:15Z); the cache has not seen it.
    t.devices.rotate(counter.did, next.publicKeyJwk, '2026-11-30T02:10:00Z');
    const byNew = await post(proven([rec({ siteKey: 'C-5' })], 1, counter.did, next));
    expect(byNew.status).toBe(200);
    expect(peerReads()).toBe(1);
    const n = (byNew.body.data as Pushed).attestation;
    expect(await settledItem(n?.trackingId ?? '')).toEqual({ status: 'committed', error_code: null });
    const byOld = await post(proven([rec({ siteKey: 'C-6' })], 2, counter.did, counter));
    expect(byOld.status).toBe(200);
    const o = (byOld.body.data as Pushed).attestation;
    expect(await settledItem(o?.trackingId ?? '')).toEqual({ status: 'dead', error_code: 'DEVICE_KEY' });
    expect([...t.devices.attestations.keys()].filter((k) => k.startsWith(counter.did))).toEqual([`${counter.did}#1`]);
  });
});

describe('DEVICE_KEYS_SOURCE=ledger', () => {
  it('checks every proof on the peer, even for a cached device', async () => {
    const t = await startHuinaApp({ DEVICE_KEYS_SOURCE: 'ledger' });
    try {
      expect((await t.call('POST', '/huina/v1/traffic', push(TREE))).status).toBe(200);
      const reads = jest.spyOn(t.devices, 'evaluate');
      const counter = generateDeviceKey();
      t.devices.register(counter.did, counter.publicKeyJwk);
      await t.db.query(
        `INSERT INTO devices (did, owner_msp, type, status, record, tx_id, block_number)
         VALUES ($1, 'MallAMSP', 'people_counter', 'active', $2, 'tx-planted', 1)`,
        [counter.did, JSON.stringify({ did: counter.did, status: 'active', type: 'people_counter', keys: [] })],
      );
      const res = await t.call('POST', '/huina/v1/traffic', proven([rec({ siteKey: 'L-1' })], 1, counter.did, counter));
      expect(res.status).toBe(200);
      expect(reads.mock.calls.filter(([fn]) => fn === 'devices:GetDevice')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
