import { generateDeviceKey, signJcs, type DeviceKey } from '../../src/devices/device-key';
import { recordsDigest, trafficStatement } from '../../src/huina/device-proof';
import { validateTrafficPush } from '../../src/huina/traffic.validator';
import { eventually } from '../support/test-app';
import { startHuinaApp, type HuinaApp } from './huina-harness';
import { push, rec, TREE, type Rec } from './traffic-records';

interface Pushed {
  results: { status: string }[];
  attestation?: { trackingId: string; outcome: string; deviceDid: string; seq: number };
}
interface Proof {
  deviceDid: string;
  seq: number;
  digest: string;
  txId: string | null;
  blockNumber: string | null;
  status: string;
  matches: boolean;
  mismatches: string[];
  ledgerChecked: boolean;
}

/** What a counter sends: the records and its proof, signed over the statement derived from them. */
function proven(records: Rec[], seq: number, key: DeviceKey, signer = key): Record<string, unknown> {
  const parsed = validateTrafficPush(push(records), Date.now()).records;
  const statement = trafficStatement(parsed, { deviceDid: key.did, seq }, 'mallchannel');
  const signature = signJcs(signer.privateKey, statement);
  return push(records, { deviceProof: { deviceDid: key.did, seq, digest: recordsDigest(records), signature } });
}

describe('deviceProof → device attestation, and GET /huina/v1/traffic[/proof]', () => {
  let t: HuinaApp;
  const counter = generateDeviceKey();

  beforeAll(async () => {
    t = await startHuinaApp();
    t.devices.register(counter.did, counter.publicKeyJwk);
    expect((await t.call('POST', '/huina/v1/traffic', push(TREE))).status).toBe(200);
  });
  afterAll(() => t.close());

  const post = (body: unknown): ReturnType<HuinaApp['call']> => t.call('POST', '/huina/v1/traffic', body);
  const proofOf = (siteKey: string, dataTime: string, interval = '15'): ReturnType<HuinaApp['call']> =>
    t.call('GET', `/huina/v1/traffic/proof?siteKey=${siteKey}&dataTime=${dataTime}&interval=${interval}`);
  const counts = async (): Promise<{ buckets: number; items: number; reports: number }> => {
    const [r] = await t.db.query<{ buckets: string; items: string; reports: string }[]>(
      `SELECT (SELECT count(*) FROM huina_traffic_buckets) AS buckets, (SELECT count(*) FROM intake_items) AS items,
         (SELECT count(*) FROM huina_traffic_reports) AS reports`,
    );
    return { buckets: Number(r?.buckets), items: Number(r?.items), reports: Number(r?.reports) };
  };
  const committedProof = (siteKey: string, dataTime: string): Promise<Proof> =>
    eventually(async () => {
      const p = (await proofOf(siteKey, dataTime)).body.data as Proof;
      return p.status === 'committed' ? p : undefined;
    });

  const report = [
    rec({ siteKey: 'P-1', dataTime: '2026-11-30 10:00:00', inNum: 11, modifyTime: '2026-11-30 10:15:00' }),
    rec({ siteKey: 'P-1', dataTime: '2026-11-30 10:15:00', inNum: 7, modifyTime: '2026-11-30 10:20:00' }),
    rec({ siteKey: 'P-2', dataTime: '2026-11-30 10:00:00', inNum: 5, outNum: 1, throughNum: 30, channel: 'c1' }),
  ];

  it('relays the proof as an attestation (ordering key = device DID) and serves the proof of each bucket', async () => {
    const res = await post(proven(report, 1, counter));
    expect(res.status).toBe(200);
    const data = res.body.data as Pushed;
    expect(data.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(data.attestation).toMatchObject({ outcome: 'accepted', deviceDid: counter.did, seq: 1 });
    const proof = await committedProof('P-1', '2026-11-30 10:15:00');
    expect(proof).toMatchObject({ deviceDid: counter.did, seq: 1, digest: recordsDigest(report), matches: true });
    expect(proof.ledgerChecked).toBe(true);
    expect(proof.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(proof.blockNumber).toMatch(/^\d+$/);
    const tx = t.ledger.txs.find((x) => x.txId === proof.txId);
    expect(tx?.fn).toBe('devices:SubmitAttestations');
    const sent = JSON.parse(tx?.args[0] ?? '{}') as {
      attestations: { statement: { digest: string; count: number } }[];
    };
    expect(sent.attestations[0]?.statement).toMatchObject({
      digest: Buffer.from(recordsDigest(report), 'base64url').toString('hex'),
      count: 3,
      summary: { inNum: 23, outNum: 17 },
      periodStart: '2026-11-30T02:00:00Z',
      periodEnd: '2026-11-30T02:20:00Z',
    });
  });

  it('shows matches: false once a stored row or a stored record is edited in Postgres', async () => {
    await t.db.query(`UPDATE huina_traffic_buckets SET in_num = in_num + 1 WHERE site_key = 'P-2'`);
    const edited = (await proofOf('P-1', '2026-11-30 10:00:00')).body.data as Proof;
    expect(edited.matches).toBe(false);
    expect(edited.mismatches).toEqual(['P-2 #2: stored inNum differs from the signed record']);
    await t.db.query(`UPDATE huina_traffic_buckets SET in_num = in_num - 1 WHERE site_key = 'P-2'`);
    expect(((await proofOf('P-1', '2026-11-30 10:00:00')).body.data as Proof).matches).toBe(true);
    await t.db.query(
      `UPDATE huina_traffic_report_records SET record = jsonb_set(record, '{outNum}', '100') WHERE position = 0`,
    );
    const rewritten = (await proofOf('P-1', '2026-11-30 10:00:00')).body.data as Proof;
    expect(rewritten.matches).toBe(false);
    expect(rewritten.mismatches).toEqual(
      expect.arrayContaining([
        'the stored records no longer hash to the anchored digest',
        'the stored records do not hash to the digest anchored on the ledger',
        'P-1 #0: stored outNum differs from the signed record',
      ]),
    );
  });

  it('answers a re-sent proven push as a duplicate attestation with the same tracking ID', async () => {
    const body = proven([rec({ siteKey: 'P-3' })], 2, counter);
    const first = await post(body);
    const again = await post(body);
    // ECDSA signatures differ each time: the same statement signed again is the same attestation.
    const resigned = await post(proven([rec({ siteKey: 'P-3' })], 2, counter));
    const a = first.body.data as Pushed;
    for (const b of [again.body.data as Pushed, resigned.body.data as Pushed]) {
      expect(b.attestation).toMatchObject({ outcome: 'duplicate', trackingId: a.attestation?.trackingId });
      expect(b.results.map((r) => r.status)).toEqual(['stale']);
    }
    expect(
      Number(
        (await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM huina_traffic_reports WHERE seq = 2`))[0]?.n,
      ),
    ).toBe(1);
  });

  const refused = async (body: unknown, status: number, code: string, text: string): Promise<void> => {
    const before = await counts();
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ success: false, statusCode: code });
    expect(res.body.message).toContain(text);
    expect(await counts()).toEqual(before);
  };

  it('refuses a digest that is not of the records, nothing stored', async () => {
    const body = proven([rec({ siteKey: 'P-4' })], 3, counter) as { deviceProof: { digest: string } };
    body.deviceProof.digest = recordsDigest([rec({ siteKey: 'P-4', inNum: 1000 })]);
    await refused(body, 400, 'PROOF_DIGEST', 'deviceProof.digest is not base64url SHA-256 of JCS(records)');
    const swapped = { ...proven([rec({ siteKey: 'P-4' })], 3, counter), records: [rec({ siteKey: 'P-4', inNum: 1 })] };
    await refused(swapped, 400, 'PROOF_DIGEST', 'deviceProof.digest');
  });

  it('refuses a forged signature, an unknown device and an inactive device, nothing stored', async () => {
    const forger = generateDeviceKey();
    await refused(proven([rec({ siteKey: 'P-5' })], 3, counter, forger), 400, 'PROOF_SIGNATURE', 'does not verify');
    await refused(proven([rec({ siteKey: 'P-5' })], 1, forger), 400, 'PROOF_DEVICE', 'is not registered');
    const sleepy = generateDeviceKey();
    t.devices.register(sleepy.did, sleepy.publicKeyJwk);
    (t.devices.devices.get(sleepy.did) as { status: string }).status = 'suspended';
    await refused(proven([rec({ siteKey: 'P-5' })], 1, sleepy), 409, 'PROOF_INACTIVE', 'is suspended');
    const late = generateDeviceKey();
    t.devices.register(late.did, late.publicKeyJwk, '2026-12-31T00:00:00Z');
    await refused(proven([rec({ siteKey: 'P-5' })], 1, late), 400, 'PROOF_KEY', 'was valid at');
  });

  it('refuses a seq already used for other records (409), and a proven push with an unknown parent (400)', async () => {
    await refused(proven([rec({ siteKey: 'P-6', inNum: 1 })], 2, counter), 409, 'PROOF_CONFLICT', 'seq 2');
    await refused(
      proven([rec({ siteKey: 'P-6', parentSiteKey: 'NOPE' }), rec({ siteKey: 'P-7' })], 4, counter),
      400,
      'SITE_PARENT',
      'a deviceProof covers every record',
    );
  });

  it('refuses records of one proof spanning more than a day, and a malformed proof', async () => {
    const days = [rec({ siteKey: 'P-8', dataTime: '2026-11-28 10:00:00' }), rec({ siteKey: 'P-8' })];
    const deviceProof = { deviceDid: counter.did, seq: 5, digest: recordsDigest(days), signature: 'AAAA' };
    await refused(push(days, { deviceProof }), 400, 'PROOF_PERIOD', 'at most one day');
    await refused(
      push([rec()], { deviceProof: { deviceDid: 'did:x', seq: 0, digest: 'x', signature: '!' } }),
      400,
      'INPUT_INVALID',
      'deviceProof.deviceDid must be a did:mallchain identifier',
    );
  });

  describe('GET /huina/v1/traffic', () => {
    beforeAll(async () => {
      const day = (site: string, parent: string, n: number): Rec[] =>
        [0, 15, 30, 45].flatMap((m) =>
          [10, 11].map((h) =>
            rec({
              siteKey: site,
              parentSiteKey: parent,
              dataTime: `2026-11-29 ${h}:${String(m).padStart(2, '0')}:00`,
              modifyTime: '2026-11-29 23:00:00',
              inNum: n,
              outNum: 1,
            }),
          ),
        );
      const res = await post(
        push([
          rec({
            siteKey: 'Q',
            siteName: 'Floor Q',
            siteType: 500,
            parentSiteKey: 'A',
            dataTime: '2026-11-29 10:00:00',
            interval: 'H',
            inNum: 1000,
            modifyTime: '2026-11-29 23:00:00',
          }),
          ...day('Q-1', 'Q', 2),
          ...day('Q-2', 'Q', 3),
        ]),
      );
      expect((res.body.data as Pushed).results.every((r) => r.status === 'accepted')).toBe(true);
    });
    const get = (q: string): ReturnType<HuinaApp['call']> => t.call('GET', `/huina/v1/traffic?${q}`);

    it('rolls 15-minute buckets up to hours and a day, for the site and the sum of its children', async () => {
      const hours = await get('siteKey=Q&from=2026-11-29 00:00:00&to=2026-11-30 00:00:00&interval=H');
      expect(hours.status).toBe(200);
      expect(hours.body.data).toMatchObject({
        siteKey: 'Q',
        siteType: 500,
        own: [{ dataTime: '2026-11-29 10:00:00', inNum: 1000, sites: 1 }],
        children: {
          siteKeys: ['Q-1', 'Q-2'],
          sum: [
            { dataTime: '2026-11-29 10:00:00', inNum: 20, outNum: 8, sites: 2 },
            { dataTime: '2026-11-29 11:00:00', inNum: 20, outNum: 8, sites: 2 },
          ],
        },
      });
      const day = await get('siteKey=Q&from=2026-11-29 00:00:00&to=2026-11-30 00:00:00&interval=D');
      expect(day.body.data).toMatchObject({
        own: [{ inNum: 1000 }],
        children: { sum: [{ dataTime: '2026-11-29 00:00:00', inNum: 40, outNum: 16 }] },
      });
      const quarter = await get('siteKey=Q-1&from=2026-11-29 10:00:00&to=2026-11-29 10:30:00&interval=15');
      expect((quarter.body.data as { own: unknown[] }).own).toEqual([
        { dataTime: '2026-11-29 10:00:00', inNum: 2, outNum: 1, throughNum: null, sites: 1 },
        { dataTime: '2026-11-29 10:15:00', inNum: 2, outNum: 1, throughNum: null, sites: 1 },
      ]);
      const finer = await get('siteKey=Q-1&from=2026-11-29 10:00:00&to=2026-11-29 10:30:00&interval=5');
      expect((finer.body.data as { own: unknown[] }).own).toEqual([]);
    });

    it.each([
      ['siteKey=Q&from=2026-11-29 00:00:00&to=2026-11-30 00:00:00&interval=30', 'interval must be one of'],
      ['siteKey=Q&from=2026-11-29 00:07:00&to=2026-11-30 00:00:00&interval=15', 'from must start a bucket'],
      ['siteKey=Q&from=2026-11-30 00:00:00&to=2026-11-29 00:00:00&interval=D', 'to must be after from'],
      ['siteKey=Q&from=2026-10-01 00:00:00&to=2026-11-29 00:00:00&interval=D', 'at most 31 days'],
      ['siteKey=Q&from=2026-02-30 00:00:00&to=2026-11-29 00:00:00&interval=D', 'from must be an existing'],
      ['from=2026-11-29 00:00:00&to=2026-11-30 00:00:00&interval=D', 'siteKey is required'],
      ['siteKey=Q&from=2026-11-29 00:00:00&to=2026-11-30 00:00:00&interval=D&x=1', 'x: property x should not exist'],
    ])('refuses %s with 400', async (q, message) => {
      const res = await get(q);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(message);
    });

    it('answers 404 for an unknown site and for a bucket without a proof', async () => {
      expect((await get('siteKey=NONE&from=2026-11-29 00:00:00&to=2026-11-30 00:00:00&interval=D')).status).toBe(404);
      const none = await proofOf('Q-1', '2026-11-29 10:00:00');
      expect(none.status).toBe(404);
      expect(none.body.message).toContain('device proof of bucket Q-1 2026-11-29 10:00:00 15 does not exist');
    });
  });

  describe("the operators' reads with an API key: /v1/traffic (the console's traffic screen)", () => {
    let key: string;
    const read = async (url: string, k: string | null = key): Promise<{ status: number; body: unknown }> => {
      const r = await t.app.inject({ url, headers: k === null ? {} : { 'x-api-key': k } });
      return { status: r.statusCode, body: r.json<unknown>() };
    };
    beforeAll(async () => {
      key = await t.key(['devices:write']);
    });

    it('lists the site tree with parents, and answers the same roll-ups as the partner route, in plain JSON', async () => {
      const sites = await read('/v1/traffic/sites');
      expect(sites.status).toBe(200);
      expect(sites.body).toEqual(
        expect.arrayContaining([
          { siteKey: 'Q', siteName: 'Floor Q', siteType: 500, parentSiteKey: 'A' },
          expect.objectContaining({ siteKey: 'Q-1', parentSiteKey: 'Q' }),
          expect.objectContaining({ siteKey: 'P-1' }),
        ]),
      );
      const q = 'siteKey=Q&from=2026-11-29 00:00:00&to=2026-11-30 00:00:00&interval=H';
      const mine = await read(`/v1/traffic/series?${q}`);
      expect(mine.status).toBe(200);
      expect(mine.body).toEqual((await t.call('GET', `/huina/v1/traffic?${q}`)).body.data);
    });

    it('names each bucket proof: edited since anchoring (with what differs), or unproven', async () => {
      const status = (siteKey: string, dataTime: string): Promise<{ status: number; body: unknown }> =>
        read(`/v1/traffic/proof-status?siteKey=${siteKey}&dataTime=${dataTime}&interval=15`);
      const edited = await status('P-1', '2026-11-30 10:00:00');
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ proof: 'edited', deviceDid: counter.did, seq: 1 });
      expect((edited.body as { mismatches: string[] }).mismatches).toContain(
        'P-1 #0: stored outNum differs from the signed record',
      );
      expect((await status('Q-1', '2026-11-29 10:00:00')).body).toEqual({ proof: 'unproven', mismatches: [] });
      const none = await status('Q-1', '2026-11-01 10:00:00');
      expect(none.status).toBe(404);
      expect(JSON.stringify(none.body)).toContain('bucket Q-1 2026-11-01 10:00:00 15');
    });

    it.each([
      [
        '/v1/traffic/series?siteKey=Q&from=2026-11-29 00:07:00&to=2026-11-30 00:00:00&interval=15',
        'from must start',
        400,
      ],
      ['/v1/traffic/series?siteKey=NONE&from=2026-11-29 00:00:00&to=2026-11-30 00:00:00&interval=D', 'NONE', 404],
      ['/v1/traffic/proof-status?siteKey=Q-1&dataTime=2026-11-29 10:00:00&interval=30', 'interval must be one of', 400],
      ['/v1/traffic/proof-status?dataTime=2026-11-29 10:00:00&interval=15', 'siteKey is required', 400],
    ])('refuses %s naming what is wrong', async (url, message, status) => {
      const r = await read(url);
      expect(r.status).toBe(status);
      expect(JSON.stringify(r.body)).toContain(message);
    });

    it('needs an API key with devices:write (401, 403)', async () => {
      expect((await read('/v1/traffic/sites', null)).status).toBe(401);
      const other = await t.key(['points:read']);
      const r = await read('/v1/traffic/sites', other);
      expect(r.status).toBe(403);
      expect(JSON.stringify(r.body)).toContain('devices:write');
    });
  });
});
