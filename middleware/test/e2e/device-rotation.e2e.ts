/**
 * The rotation race on the real dev network, with `DEVICE_KEYS_SOURCE=cache`: a counter's key is rotated on the
 * ledger, the old key pushes a proof before the projection has the rotation, then the new key pushes. The chaincode
 * refuses the old key's attestation (`DEVICE_KEY`); that refusal must not stall the device's queue: the new key's
 * attestation (the next seq) is anchored, and so are the later ones. Once the cache has the rotation, the old key
 * is refused at intake.
 *
 * "Before the projection catches up" is made certain rather than left to timing: once the projector has written the
 * rotated record, the test puts the pre-rotation row back (the projection a block behind), and later restores the
 * projected one. Needs the dev network (`MALLCHAIN_PORT_BASE=<yours> node fabric-network/dist/cli/main.js up`);
 * Mall A's middleware signs as its org admin (`LEDGER_USER=admin`): registering and rotating devices is an admin
 * transaction.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { generateDeviceKey, signJcs, type DeviceKey } from '../../src/devices/device-key';
import { CounterIdentity, caHeaders, counterRecords, siteTree } from '../../src/devices/simulators/counter';
import { recordsDigest, trafficStatement } from '../../src/huina/device-proof';
import { formatShanghai } from '../../src/huina/shanghai-time';
import { validateTrafficPush } from '../../src/huina/traffic.validator';
import { DeviceLedger } from '../../src/ledger/domain/device.ledger';
import { requireNetwork } from '../ledger/network';
import { call, committedItem, poll, type IntakeView } from './support/http';
import { startRealApp, type RealApp } from './support/real-app';

interface Issued {
  appId: string;
  secret: string;
}
interface Huina<T> {
  success: boolean;
  statusCode: string;
  data: T;
}
interface Pushed {
  results: { status: string }[];
  attestation: { trackingId: string; outcome: string; seq: number };
}
interface CachedRecord {
  keys: { kid: string }[];
}

const STEP = 900_000;

describe('rotation race with the device-key cache on the real network', () => {
  let a: RealApp;
  let devicesKey: string;
  let cred: Issued;
  let db: DataSource;
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-rotation-e2e-'));
  const counter = new CounterIdentity(path.join(dir, 'counter.pem'));
  const did = counter.key.did;
  const next = generateDeviceKey();
  const sites = siteTree(`R${randomBytes(3).toString('hex').toUpperCase()}`);
  const gate = sites.find((s) => s.siteType === 700)?.siteKey ?? '';
  // Closed buckets are counted back from the bucket open when the run starts (a quarter hour may pass meanwhile).
  const ANCHOR = Math.floor(Date.now() / STEP) * STEP;

  const huina = async <T>(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: Huina<T> }> => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = caHeaders(cred.appId, Buffer.from(cred.secret, 'utf8'), method, url, text);
    const res = await fetch(`${a.base}${url}`, { method, headers, ...(body === undefined ? {} : { body: text }) });
    return { status: res.status, body: (await res.json()) as Huina<T> };
  };
  /**
   * The gate's closed bucket `bucket` steps back (it names the push in the proof look-ups) and its open bucket as
   * of now (so the statement is measured now: `periodEnd` = the open bucket's `modifyTime`), signed by `key`.
   */
  const proven = (key: DeviceKey, seq: number, bucket: number): object => {
    const now = Date.now();
    const open = Math.floor(now / STEP) * STEP;
    const from = ANCHOR - bucket * STEP;
    const records = [
      ...counterRecords(sites, from, from + STEP, '15', now),
      ...counterRecords(sites, open, open + STEP, '15', now),
    ].filter((r) => (r as { siteKey: string }).siteKey === gate);
    const parsed = validateTrafficPush({ customerId: 'MALLA', records }, Date.now()).records;
    const statement = trafficStatement(parsed, { deviceDid: did, seq }, 'mallchannel');
    const signature = signJcs(key.privateKey, statement);
    return {
      customerId: 'MALLA',
      records,
      deviceProof: { deviceDid: did, seq, digest: recordsDigest(records), signature },
    };
  };
  const pushed = async (body: object): Promise<{ status: number; code: string; data: Pushed }> => {
    const r = await huina<Pushed>('POST', '/huina/v1/traffic', body);
    return { status: r.status, code: r.body.statusCode, data: r.body.data };
  };
  const settled = (trackingId: string): Promise<IntakeView> =>
    poll(
      `intake item ${trackingId} settled`,
      async () => {
        const r = await call<IntakeView>(a.base, a.key, 'GET', `/v1/intake/${trackingId}`);
        return r.body.status === 'pending' ? undefined : r.body;
      },
      120_000,
    );
  const cachedRecord = async (): Promise<CachedRecord | undefined> => {
    const [row] = await db.query<{ record: CachedRecord }[]>('SELECT record FROM devices WHERE did = $1', [did]);
    return row?.record;
  };

  beforeAll(async () => {
    const networkFile = requireNetwork();
    a = await startRealApp(networkFile, {
      mspId: 'MallAMSP',
      extra: {
        LEDGER_USER: 'admin',
        PARTNER_SECRET_KEY: randomBytes(32).toString('base64'),
        DEVICE_KEYS_SOURCE: 'cache',
      },
    });
    devicesKey = (await a.app.get(ApiKeysService).create('MallAMSP', 'devices', ['devices:write'])).key;
    const issued = await call<Issued>(a.base, a.key, 'POST', '/v1/admin/partners', {
      kind: 'huina',
      customerId: 'MALLA',
      name: 'counters',
    });
    expect(issued.status).toBe(201);
    cred = issued.body;
    db = new DataSource({ type: 'postgres', url: a.databaseUrl });
    await db.initialize();
    const reg = await call<{ trackingId: string }>(
      a.base,
      devicesKey,
      'POST',
      '/v1/devices',
      counter.registration('mallchannel', 'mallchain', 'MallAMSP', 'Mall A'),
    );
    expect(reg.status).toBe(202);
    await committedItem(a.base, a.key, reg.body.trackingId, 180_000);
    await poll('the counter in the cache', async () => ((await cachedRecord())?.keys.length === 1 ? true : undefined));
    const now = Date.now();
    const tree = sites
      .filter((s) => s.siteType !== 700)
      .map((s) => ({
        ...s,
        dataTime: formatShanghai(ANCHOR - 7 * STEP),
        interval: '15',
        inNum: 0,
        outNum: 0,
        modifyTime: formatShanghai(now - 1000),
      }));
    expect((await huina('POST', '/huina/v1/traffic', { customerId: 'MALLA', records: tree })).status).toBe(200);
  }, 400_000);
  afterAll(async () => {
    await db.destroy();
    await a.close();
  });

  it("refuses the rotated-out key's proof with DEVICE_KEY and does not stall the device's queue", async () => {
    // Seq 1 with the registered key, before any rotation: anchored.
    const first = await pushed(proven(counter.key, 1, 4));
    expect(first.status).toBe(200);
    expect((await settled(first.data.attestation.trackingId)).status).toBe('committed');

    // Rotate on the ledger; hold the projection back: the cache keeps the pre-rotation record.
    const stale = await cachedRecord();
    const pop = DeviceLedger.possession('rotateDeviceKey', {
      channel: 'mallchannel',
      chaincode: 'mallchain',
      did,
      kid: `${did}#key-2`,
      ownerMsp: 'MallAMSP',
    });
    const rot = await call<{ trackingId: string }>(a.base, devicesKey, 'POST', `/v1/devices/${did}/keys`, {
      publicKeyJwk: next.publicKeyJwk,
      proof: { signature: signJcs(next.privateKey, pop) },
    });
    expect(rot.status).toBe(202);
    await committedItem(a.base, a.key, rot.body.trackingId, 180_000);
    const rotated = await poll('the rotation projected', async () => {
      const r = await cachedRecord();
      return r?.keys.length === 2 ? r : undefined;
    });
    await db.query('UPDATE devices SET record = $2 WHERE did = $1', [did, JSON.stringify(stale)]);
    // Measured after the rotation: key-1 is no longer valid for it.
    await new Promise((r) => setTimeout(r, 1100));

    const byOld = await pushed(proven(counter.key, 2, 3));
    expect(byOld.status).toBe(200); // the stale cache approved it; the ledger has the last word
    const byNew = await pushed(proven(next, 3, 2));
    expect(byNew.status).toBe(200);

    const old = await settled(byOld.data.attestation.trackingId);
    expect(old).toMatchObject({ status: 'dead', errorCode: 'DEVICE_KEY', txId: null });
    const fresh = await settled(byNew.data.attestation.trackingId);
    expect(fresh).toMatchObject({ status: 'committed', errorCode: null });
    // The device's later proofs go on.
    const later = await pushed(proven(next, 4, 1));
    expect(later.status).toBe(200);
    expect((await settled(later.data.attestation.trackingId)).status).toBe('committed');

    // What the integrator sees for the refused proof's bucket; the anchored ones match the ledger.
    const proofAt = async (bucket: number): Promise<Record<string, unknown>> => {
      const dataTime = encodeURIComponent(formatShanghai(ANCHOR - bucket * STEP)).replaceAll('%3A', ':');
      const r = await huina<Record<string, unknown>>(
        'GET',
        `/huina/v1/traffic/proof?siteKey=${gate}&dataTime=${dataTime}&interval=15`,
      );
      expect(r.status).toBe(200);
      return r.body.data;
    };
    expect(await proofAt(3)).toMatchObject({ seq: 2, status: 'dead', txId: null });
    expect(await proofAt(2)).toMatchObject({ seq: 3, status: 'committed', matches: true, ledgerChecked: true });

    // The old key takes the next seq (5) while the cache is stale: once the ledger refused it, the genuine proof
    // for seq 5 (same records, new key) is accepted and anchored, and the bucket carries it.
    const taken = await pushed(proven(counter.key, 5, 5));
    expect(taken.status).toBe(200);
    expect(await settled(taken.data.attestation.trackingId)).toMatchObject({ status: 'dead', errorCode: 'DEVICE_KEY' });
    const genuine = await pushed(proven(next, 5, 5));
    expect(genuine.status).toBe(200);
    expect(genuine.data.attestation).toMatchObject({ outcome: 'accepted', seq: 5 });
    expect((await settled(genuine.data.attestation.trackingId)).status).toBe('committed');
    expect(await proofAt(5)).toMatchObject({ seq: 5, status: 'committed', matches: true, ledgerChecked: true });

    // The projection catches up: the old key is refused at once, nothing stored.
    await db.query('UPDATE devices SET record = $2 WHERE did = $1', [did, JSON.stringify(rotated)]);
    const [before] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM intake_items');
    const again = await pushed(proven(counter.key, 6, 6));
    expect(again.status).toBe(400);
    expect(again.code).toBe('PROOF_SIGNATURE');
    expect(await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM intake_items')).toEqual([before]);
  }, 600_000);
});
