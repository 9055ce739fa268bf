/**
 * Attacks on the device-key cache (`DEVICE_KEYS_SOURCE=cache`), real Postgres, the intake batcher driven tick by tick
 * on the fake ledger whose devices contract checks status, key validity, signature and seq as the chaincode does.
 * A proof the stale (or edited) cache lets through is refused by the ledger; the refused item must then give its
 * seq and its place in the device's queue back (docs/huina.md, "Device keys from the cache").
 */
import { generateDeviceKey, signJcs, type DeviceKey } from '../../src/devices/device-key';
import { recordsDigest, trafficStatement } from '../../src/huina/device-proof';
import { validateTrafficPush } from '../../src/huina/traffic.validator';
import { IntakeService } from '../../src/intake/intake.service';
import type { PublicJwk } from '../../src/ledger/domain/device.ledger';
import { startHuinaApp, type HuinaApp } from './huina-harness';
import { push, rec, TREE, type Rec } from './traffic-records';

interface Pushed {
  results: { status: string }[];
  attestation?: { trackingId: string; outcome: string; status: string };
}
interface CachedKey {
  kid: string;
  publicKeyJwk: PublicJwk;
  alg: 'ES256';
  validFrom: string;
  validTo?: string;
}
interface ItemRow {
  status: string;
  error_code: string | null;
  natural_key: string;
  ordering_key: string | null;
  history: { status: string; code?: string; released?: string; reason?: string }[];
}

/** Records at 10:00–10:15 Asia/Shanghai on 2026-11-30: the statement's periodEnd is 2026-11-30T02:15:00Z. */
function proven(records: Rec[], seq: number, did: string, signer: DeviceKey): Record<string, unknown> {
  const parsed = validateTrafficPush(push(records), Date.now()).records;
  const statement = trafficStatement(parsed, { deviceDid: did, seq }, 'mallchannel');
  const signature = signJcs(signer.privateKey, statement);
  return push(records, { deviceProof: { deviceDid: did, seq, digest: recordsDigest(records), signature } });
}

describe('a proof the ledger refuses gives its seq and its queue place back (cache source, real Postgres)', () => {
  let t: HuinaApp;
  let intake: IntakeService;
  let reads: jest.SpyInstance;
  let intakeKey: string;

  beforeAll(async () => {
    t = await startHuinaApp({ DEVICE_KEYS_SOURCE: 'cache', WORKERS_ENABLED: 'false' });
    intake = t.app.get(IntakeService);
    intakeKey = await t.key(['intake:read']);
    expect((await t.call('POST', '/huina/v1/traffic', push(TREE))).status).toBe(200);
    reads = jest.spyOn(t.devices, 'evaluate');
  });
  afterAll(() => t.close());
  beforeEach(() => reads.mockClear());

  const post = async (body: unknown): Promise<{ status: number; code: string; data: Pushed }> => {
    const r = await t.call('POST', '/huina/v1/traffic', body);
    return { status: r.status, code: r.body.statusCode, data: r.body.data as Pushed };
  };
  const peerReads = (): number => reads.mock.calls.filter(([fn]) => fn === 'devices:GetDevice').length;
  /** Everything queued, carried: claims until the outbox is empty (back-offs skipped). */
  const drain = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) {
      await t.db.query(`UPDATE outbox SET available_at = now() - interval '1 minute'`);
      await intake.batcher.tick();
      const [r] = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM outbox');
      if (r?.n === 0) return;
    }
    const left = await t.db.query<unknown[]>(
      `SELECT i.natural_key, i.status, i.last_error, o.available_at, o.claimed_until FROM outbox o
       JOIN intake_items i USING (tracking_id)`,
    );
    throw new Error(`the outbox did not drain: ${JSON.stringify(left)}`);
  };
  const project = async (did: string, status: string, keys: CachedKey[]): Promise<void> => {
    const record = { did, ownerMsp: 'MallAMSP', type: 'people_counter', status, keys };
    await t.db.query(
      `INSERT INTO devices (did, owner_msp, type, status, record, tx_id, block_number)
       VALUES ($1, 'MallAMSP', 'people_counter', $2, $3, 'tx-planted', 1)
       ON CONFLICT (did) DO UPDATE SET status = excluded.status, record = excluded.record`,
      [did, status, JSON.stringify(record)],
    );
  };
  const key = (k: DeviceKey, did: string, n: number, validFrom: string, validTo?: string): CachedKey => ({
    kid: `${did}#key-${n}`,
    publicKeyJwk: k.publicKeyJwk,
    alg: 'ES256',
    validFrom,
    ...(validTo === undefined ? {} : { validTo }),
  });
  const item = async (trackingId: string): Promise<ItemRow> => {
    const [row] = await t.db.query<ItemRow[]>(
      'SELECT status, error_code, natural_key, ordering_key, history FROM intake_items WHERE tracking_id = $1',
      [trackingId],
    );
    if (!row) throw new Error(`no item ${trackingId}`);
    return row;
  };
  const anchored = (did: string): string[] =>
    [...t.devices.attestations.keys()].filter((k) => k.startsWith(`${did}#`)).sort();
  const proofOf = async (siteKey: string): Promise<Record<string, unknown>> => {
    const r = await t.call(
      'GET',
      `/huina/v1/traffic/proof?siteKey=${siteKey}&dataTime=2026-11-30 10:00:00&interval=15`,
    );
    expect(r.status).toBe(200);
    return r.body.data as Record<string, unknown>;
  };
  /** A counter registered on the ledger with key-1, projected, then rotated on the ledger only (cache stale). */
  const rotatedCounter = async (): Promise<{ did: string; old: DeviceKey; next: DeviceKey }> => {
    const old = generateDeviceKey();
    const next = generateDeviceKey();
    t.devices.register(old.did, old.publicKeyJwk);
    await project(old.did, 'active', [key(old, old.did, 1, '2020-01-01T00:00:00Z')]);
    // Rotated on the ledger at 02:10Z, before the records' periodEnd (02:15Z): key-1 no longer signs them.
    t.devices.rotate(old.did, next.publicKeyJwk, '2026-11-30T02:10:00Z');
    return { did: old.did, old, next };
  };

  it("rotation race: the old key's proof is refused with DEVICE_KEY and does not stall the device's later proofs", async () => {
    const { did, old, next } = await rotatedCounter();
    const byOld = await post(proven([rec({ siteKey: 'R-1' })], 1, did, old));
    expect(byOld.status).toBe(200);
    expect(peerReads()).toBe(0); // the stale cache approved it alone
    const byNew = await post(proven([rec({ siteKey: 'R-2' })], 2, did, next));
    expect(byNew.status).toBe(200);
    expect(peerReads()).toBe(1); // the cache does not know key-2: the peer decided
    // One claim takes both (one device's run): the batch call is refused, the old-key entry is carried alone and
    // refused, and the device's next statement goes on in the same round.
    await intake.batcher.tick();
    const o = await item(byOld.data.attestation?.trackingId ?? '');
    expect(o).toMatchObject({ status: 'dead', error_code: 'DEVICE_KEY', ordering_key: null });
    expect(o.history.at(-1)).toMatchObject({ status: 'dead', code: 'DEVICE_KEY', released: did });
    expect(await item(byNew.data.attestation?.trackingId ?? '')).toMatchObject({ status: 'committed' });
    expect(anchored(did)).toEqual([`${did}#2`]);
    // The integrator's answer for the refused proof, with its code; the buckets' proof says it was not anchored.
    const status = await t.app.inject({
      method: 'GET',
      url: `/v1/intake/${byOld.data.attestation?.trackingId ?? ''}`,
      headers: { 'x-api-key': intakeKey },
    });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ status: 'dead', errorCode: 'DEVICE_KEY', txId: null });
    expect(await proofOf('R-1')).toMatchObject({ deviceDid: did, seq: 1, status: 'dead', txId: null });
    // An admin cannot put it back: without its ordering key it would bypass the device's order, and its seq is free
    // for the genuine proof. 409 naming why; the item and the outbox are as they were.
    const ops = await t.key(['ops:admin']);
    const refusedId = byOld.data.attestation?.trackingId ?? '';
    const requeue = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/intake/${refusedId}/requeue`,
      headers: { 'x-api-key': ops },
    });
    expect(requeue.statusCode).toBe(409);
    expect(requeue.json<{ message: string }>().message).toContain(`gave its place in its order (${did}) back`);
    expect(await item(refusedId)).toMatchObject({ status: 'dead', error_code: 'DEVICE_KEY', ordering_key: null });
    expect(await t.db.query('SELECT 1 FROM outbox WHERE tracking_id = $1', [refusedId])).toEqual([]);
    const listed = await t.app.inject({ url: '/v1/admin/intake?status=dead', headers: { 'x-api-key': ops } });
    expect(listed.json<{ trackingId: string; released: boolean }[]>()).toEqual(
      expect.arrayContaining([expect.objectContaining({ trackingId: refusedId, released: true })]),
    );
    expect(await proofOf('R-2')).toMatchObject({ deviceDid: did, seq: 2, status: 'committed', matches: true });
    // Later proofs of the device are not held by the dead item.
    const third = await post(proven([rec({ siteKey: 'R-3' })], 3, did, next));
    expect(third.status).toBe(200);
    await drain();
    expect(anchored(did)).toEqual([`${did}#2`, `${did}#3`]);
  });

  it('the seq the old key took is given back: the genuine proof for it is accepted once the refusal is known', async () => {
    const { did, old, next } = await rotatedCounter();
    const records = [rec({ siteKey: 'S-1' }), rec({ siteKey: 'S-2', inNum: 4 })];
    const byOld = await post(proven(records, 1, did, old));
    expect(byOld.status).toBe(200);
    expect(byOld.data.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    // Still pending: the seq is held (which of the two the ledger takes is not known yet).
    const early = await post(proven(records, 1, did, next));
    expect(early.status).toBe(409);
    expect(early.code).toBe('PROOF_CONFLICT');
    await drain();
    const refused = byOld.data.attestation?.trackingId ?? '';
    expect(await item(refused)).toMatchObject({ status: 'dead', error_code: 'DEVICE_KEY' });
    // The same records, seq 1, signed by the new key: a new item takes the seq, the buckets take its report.
    const byNew = await post(proven(records, 1, did, next));
    expect(byNew.status).toBe(200);
    expect(byNew.data.attestation).toMatchObject({ outcome: 'accepted', status: 'pending', seq: 1 });
    expect(byNew.data.results.map((r) => r.status)).toEqual(['replaced', 'replaced']);
    await drain();
    expect(await item(byNew.data.attestation?.trackingId ?? '')).toMatchObject({
      status: 'committed',
      natural_key: `${did}#1`,
    });
    expect(anchored(did)).toEqual([`${did}#1`]);
    // The refused item keeps its tracking ID and its answer, under a name that no longer holds the seq.
    expect(await item(refused)).toMatchObject({
      status: 'dead',
      error_code: 'DEVICE_KEY',
      natural_key: `${did}#1!refused:${refused}`,
    });
    for (const site of ['S-1', 'S-2'])
      expect(await proofOf(site)).toMatchObject({ seq: 1, status: 'committed', matches: true, kid: `${did}#key-2` });
    const reports = await t.db.query<{ tracking_id: string; superseded: boolean; by_new: boolean }[]>(
      `SELECT r.tracking_id, r.superseded_at IS NOT NULL AS superseded, coalesce(r.superseded_by = n.id, false) AS by_new
       FROM huina_traffic_reports r LEFT JOIN huina_traffic_reports n ON n.tracking_id = $2
       WHERE r.device_did = $1 ORDER BY r.created_at`,
      [did, byNew.data.attestation?.trackingId],
    );
    expect(reports).toEqual([
      { tracking_id: refused, superseded: true, by_new: true },
      { tracking_id: byNew.data.attestation?.trackingId, superseded: false, by_new: false },
    ]);
    // The genuine push sent again is a duplicate of the new item, not a third one.
    const again = await post(proven(records, 1, did, next));
    expect(again.status).toBe(200);
    expect(again.data.attestation).toMatchObject({ outcome: 'duplicate', status: 'committed' });
    // Once the projection has the rotation, the old key is refused at once (only key-2 was valid at periodEnd, and
    // it does not verify the old key's signature), nothing stored.
    await project(did, 'active', [
      key(old, did, 1, '2020-01-01T00:00:00Z', '2026-11-30T02:10:00Z'),
      key(next, did, 2, '2026-11-30T02:10:00Z'),
    ]);
    const [before] = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM intake_items');
    const late = await post(proven([rec({ siteKey: 'S-3' })], 2, did, old));
    expect(late.status).toBe(400);
    expect(late.code).toBe('PROOF_SIGNATURE');
    expect(await t.db.query('SELECT 1 FROM huina_traffic_buckets WHERE site_key = $1', ['S-3'])).toEqual([]);
    expect(await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM intake_items')).toEqual([before]);
  });

  it('a refused seq is not given back once a later seq of the device is pending or anchored (it would die DEVICE_SEQ)', async () => {
    const { did, old, next } = await rotatedCounter();
    const byOld = await post(proven([rec({ siteKey: 'L-1' })], 1, did, old));
    expect(byOld.status).toBe(200);
    const second = await post(proven([rec({ siteKey: 'L-2' })], 2, did, next));
    expect(second.status).toBe(200);
    await drain();
    expect(await item(byOld.data.attestation?.trackingId ?? '')).toMatchObject({
      status: 'dead',
      error_code: 'DEVICE_KEY',
    });
    expect(anchored(did)).toEqual([`${did}#2`]);
    // The genuine proof for seq 1, signed again after the refusal: seq 2 is anchored, so the ledger would refuse 1.
    const [before] = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM intake_items');
    const late = await post(proven([rec({ siteKey: 'L-1' })], 1, did, next));
    expect(late.status).toBe(409);
    expect(late.code).toBe('PROOF_CONFLICT');
    expect(await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM intake_items')).toEqual([before]);
    // The device goes on: nothing waits behind a seq the ledger cannot take.
    expect((await post(proven([rec({ siteKey: 'L-3' })], 3, did, next))).status).toBe(200);
    await drain();
    expect(anchored(did)).toEqual([`${did}#2`, `${did}#3`]);
  });

  it('a committed seq is never given back: the same seq over other records stays PROOF_CONFLICT', async () => {
    const counter = generateDeviceKey();
    t.devices.register(counter.did, counter.publicKeyJwk);
    await project(counter.did, 'active', [key(counter, counter.did, 1, '2020-01-01T00:00:00Z')]);
    expect((await post(proven([rec({ siteKey: 'K-1' })], 1, counter.did, counter))).status).toBe(200);
    await drain();
    const other = await post(proven([rec({ siteKey: 'K-1', inNum: 99 })], 1, counter.did, counter));
    expect(other.status).toBe(409);
    expect(other.code).toBe('PROOF_CONFLICT');
    expect(anchored(counter.did)).toEqual([`${counter.did}#1`]);
  });

  it('a device revoked on the ledger, active in the cache: every proof refused DEVICE_INACTIVE, none holds the next', async () => {
    const counter = generateDeviceKey();
    t.devices.register(counter.did, counter.publicKeyJwk);
    await project(counter.did, 'active', [key(counter, counter.did, 1, '2020-01-01T00:00:00Z')]);
    (t.devices.devices.get(counter.did) as { status: string }).status = 'revoked';
    const ids: string[] = [];
    for (const seq of [1, 2, 3]) {
      const r = await post(proven([rec({ siteKey: `V-${seq}` })], seq, counter.did, counter));
      expect(r.status).toBe(200);
      ids.push(r.data.attestation?.trackingId ?? '');
    }
    expect(peerReads()).toBe(0);
    await drain();
    for (const id of ids) expect(await item(id)).toMatchObject({ status: 'dead', error_code: 'DEVICE_INACTIVE' });
    expect(anchored(counter.did)).toEqual([]);
    await project(counter.did, 'revoked', [key(counter, counter.did, 1, '2020-01-01T00:00:00Z')]);
    const later = await post(proven([rec({ siteKey: 'V-4' })], 4, counter.did, counter));
    expect(later.status).toBe(409);
    expect(later.code).toBe('PROOF_INACTIVE');
  });

  it('a cache row edited in Postgres to hold an attacker key: the forged proof is refused by the ledger, the device goes on', async () => {
    const counter = generateDeviceKey();
    const attacker = generateDeviceKey();
    t.devices.register(counter.did, counter.publicKeyJwk);
    await project(counter.did, 'active', [
      key(counter, counter.did, 1, '2020-01-01T00:00:00Z'),
      key(attacker, counter.did, 2, '2020-01-01T00:00:00Z'),
    ]);
    const forged = await post(proven([rec({ siteKey: 'E-1' })], 1, counter.did, attacker));
    expect(forged.status).toBe(200); // the edited cache approved it; the ledger has the last word
    const genuine = await post(proven([rec({ siteKey: 'E-2' })], 2, counter.did, counter));
    expect(genuine.status).toBe(200);
    await drain();
    expect(await item(forged.data.attestation?.trackingId ?? '')).toMatchObject({
      status: 'dead',
      error_code: 'DEVICE_KEY',
    });
    expect(await item(genuine.data.attestation?.trackingId ?? '')).toMatchObject({ status: 'committed' });
    expect(anchored(counter.did)).toEqual([`${counter.did}#2`]);
    expect(await proofOf('E-1')).toMatchObject({ status: 'dead', txId: null });
  });

  it("a cache row edited to swap key-1's public key: the attacker's signature under key-1 is refused AUTH_SIGNATURE", async () => {
    const counter = generateDeviceKey();
    const attacker = generateDeviceKey();
    t.devices.register(counter.did, counter.publicKeyJwk);
    await project(counter.did, 'active', [key(attacker, counter.did, 1, '2020-01-01T00:00:00Z')]);
    const forged = await post(proven([rec({ siteKey: 'G-1' })], 1, counter.did, attacker));
    expect(forged.status).toBe(200);
    expect(peerReads()).toBe(0);
    await drain();
    expect(await item(forged.data.attestation?.trackingId ?? '')).toMatchObject({
      status: 'dead',
      error_code: 'AUTH_SIGNATURE',
      ordering_key: null,
    });
    // The genuine device takes seq 1 back (its proof fails the edited row, so the peer decides).
    const genuine = await post(proven([rec({ siteKey: 'G-1' })], 1, counter.did, counter));
    expect(genuine.status).toBe(200);
    expect(genuine.data.attestation).toMatchObject({ outcome: 'accepted' });
    await drain();
    expect(anchored(counter.did)).toEqual([`${counter.did}#1`]);
    expect(await proofOf('G-1')).toMatchObject({ seq: 1, status: 'committed', matches: true });
  });

  it('a cache row edited to revoke the device or drop its keys never refuses a good proof: the peer decides', async () => {
    const counter = generateDeviceKey();
    t.devices.register(counter.did, counter.publicKeyJwk);
    await project(counter.did, 'revoked', []);
    const one = await post(proven([rec({ siteKey: 'F-1' })], 1, counter.did, counter));
    expect(one.status).toBe(200);
    expect(peerReads()).toBe(1);
    await t.db.query(`UPDATE devices SET record = record - 'keys' WHERE did = $1`, [counter.did]);
    const two = await post(proven([rec({ siteKey: 'F-2' })], 2, counter.did, counter));
    expect(two.status).toBe(200);
    expect(peerReads()).toBe(2);
    await drain();
    expect(anchored(counter.did)).toEqual([`${counter.did}#1`, `${counter.did}#2`]);
  });

  it('a refusal that is not about the proof (DEVICE_SEQ) still holds the device queue', async () => {
    const counter = generateDeviceKey();
    t.devices.register(counter.did, counter.publicKeyJwk);
    await project(counter.did, 'active', [key(counter, counter.did, 1, '2020-01-01T00:00:00Z')]);
    (t.devices.devices.get(counter.did) as { lastSeq: number }).lastSeq = 5; // seq 5 anchored by another path
    const low = await post(proven([rec({ siteKey: 'Q-1' })], 5, counter.did, counter));
    const next = await post(proven([rec({ siteKey: 'Q-2' })], 6, counter.did, counter));
    await intake.batcher.tick();
    await t.db.query(`UPDATE outbox SET available_at = now() - interval '1 minute'`);
    await intake.batcher.tick();
    expect(await item(low.data.attestation?.trackingId ?? '')).toMatchObject({
      status: 'dead',
      error_code: 'DEVICE_SEQ',
      ordering_key: counter.did,
    });
    expect(await item(next.data.attestation?.trackingId ?? '')).toMatchObject({ status: 'pending' });
    expect(anchored(counter.did)).toEqual([]);
  });
});
