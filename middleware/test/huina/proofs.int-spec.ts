import { generateDeviceKey, signJcs } from '../../src/devices/device-key';
import { receiptStatement } from '../../src/devices/e-receipt';
import { printReceipt } from '../../src/devices/simulators/printer';
import { DeviceIdentity } from '../../src/devices/simulators/counter';
import { recordsDigest, trafficStatement } from '../../src/huina/device-proof';
import { validateTrafficPush } from '../../src/huina/traffic.validator';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { proofsCommand } from '../../src/devices/evidence.cli';
import { EvidenceService } from '../../src/devices/evidence.service';
import { TrafficReadService } from '../../src/huina/traffic-read.service';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ChaincodeRejectedError } from '../../src/ledger/ledger.port';
import { FakeLedger } from '../support/fake-ledger';
import { eventually, startTestApp, type TestApp } from '../support/test-app';
import { sale } from '../haide/haide-support';
import { startHuinaApp, type HuinaApp } from './huina-harness';
import { push, rec, TREE, type Rec } from './traffic-records';

interface Verdict {
  verified: boolean;
  checks: Record<string, boolean>;
  problems: string[];
  ownerMsp: string | null;
}

/**
 * Mall A publishes a bucket's evidence; Mall B checks it against the attestation on its own ledger connection
 * (here: two applications, two databases, two fake ledgers over one shared devices contract).
 */
describe('proving figures to another mall: GET /v1/proofs/traffic at A, POST /v1/proofs/*/verify at B', () => {
  let a: HuinaApp;
  let b: TestApp;
  let aKey: string;
  let bKey: string;
  const counter = generateDeviceKey();
  const records: Rec[] = [
    rec({ siteKey: 'E-1', dataTime: '2026-11-30 10:00:00', inNum: 11, modifyTime: '2026-11-30 10:15:00' }),
    rec({ siteKey: 'E-1', dataTime: '2026-11-30 10:15:00', inNum: 7, modifyTime: '2026-11-30 10:30:00' }),
  ];

  beforeAll(async () => {
    a = await startHuinaApp();
    b = await startTestApp({ MALL_MSP_ID: 'MallBMSP' }, new FakeLedger({ contracts: [a.devices], mspId: 'MallBMSP' }));
    aKey = await a.key(['devices:write']);
    bKey = await b.key(['devices:write'], 'MallBMSP');
    a.devices.register(counter.did, counter.publicKeyJwk);
    expect((await a.call('POST', '/huina/v1/traffic', push(TREE))).status).toBe(200);
    const parsed = validateTrafficPush(push(records), Date.now()).records;
    const statement = trafficStatement(parsed, { deviceDid: counter.did, seq: 1 }, 'mallchannel');
    const deviceProof = {
      deviceDid: counter.did,
      seq: 1,
      digest: recordsDigest(records),
      signature: signJcs(counter.privateKey, statement),
    };
    expect((await a.call('POST', '/huina/v1/traffic', push(records, { deviceProof }))).status).toBe(200);
    await eventually(() => Promise.resolve(a.devices.attestations.has(`${counter.did}#1`) ? true : undefined));
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const evidenceAtA = async (query: string, key = aKey): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await a.app.inject({
      method: 'GET',
      url: `/v1/proofs/traffic?${query}`,
      headers: { 'x-api-key': key },
    });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };
  const verifyAtB = async (
    kind: 'traffic' | 'e-receipt',
    payload: object,
    key = bKey,
  ): Promise<{ status: number; body: Verdict & { message?: string } }> => {
    const res = await b.app.inject({
      method: 'POST',
      url: `/v1/proofs/${kind}/verify`,
      headers: { 'x-api-key': key },
      payload,
    });
    return { status: res.statusCode, body: res.json<Verdict & { message?: string }>() };
  };
  const bucketQuery = 'siteKey=E-1&dataTime=2026-11-30%2010:15:00&interval=15';

  it('A publishes the figure, the attestation and the signed records; B verifies them through its own ledger', async () => {
    const ev = await evidenceAtA(bucketQuery);
    expect(ev.status).toBe(200);
    expect(ev.body).toMatchObject({
      kind: 'traffic',
      mallMspId: 'MallAMSP',
      siteKey: 'E-1',
      dataTime: '2026-11-30 10:15:00',
      interval: '15',
      figure: { inNum: 7, outNum: 8, throughNum: null },
      deviceDid: counter.did,
      seq: 1,
      digest: recordsDigest(records),
      position: 1,
    });
    const v = await verifyAtB('traffic', ev.body);
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ verified: true, problems: [], ownerMsp: 'MallAMSP' });
    expect(v.body.checks).toEqual({
      digest: true,
      figure: true,
      anchored: true,
      trusted: true,
      kind: true,
      owner: true,
    });
  });

  it('B refuses a changed figure, changed records, another owner, an unknown attestation', async () => {
    const ev = (await evidenceAtA(bucketQuery)).body as { figure: { inNum: number }; records: Rec[]; seq: number };
    const figure = await verifyAtB('traffic', { ...ev, figure: { ...ev.figure, inNum: 70 } });
    expect(figure.body).toMatchObject({ verified: false, checks: { figure: false, anchored: true } });
    const recs = ev.records.map((r, i) => (i === 1 ? { ...r, inNum: 70 } : r));
    const forged = await verifyAtB('traffic', { ...ev, records: recs, figure: { ...ev.figure, inNum: 70 } });
    expect(forged.body).toMatchObject({ verified: false, checks: { digest: false, figure: true } });
    const owner = await verifyAtB('traffic', { ...ev, mallMspId: 'MallBMSP' });
    expect(owner.body).toMatchObject({ verified: false, checks: { owner: false } });
    const unknown = await verifyAtB('traffic', { ...ev, seq: 99 });
    expect(unknown.body).toMatchObject({ verified: false, checks: { anchored: false } });
    expect(unknown.body.problems.join()).toContain('has no attestation');
  });

  it('a row edited in A’s Postgres makes the published figure fail at B', async () => {
    await a.db.query(`UPDATE huina_traffic_buckets SET in_num = in_num + 5 WHERE site_key = 'E-1' AND in_num = 7`);
    const ev = await evidenceAtA(bucketQuery);
    expect(ev.body).toMatchObject({ figure: { inNum: 12 } });
    const v = await verifyAtB('traffic', ev.body);
    expect(v.body).toMatchObject({ verified: false, checks: { figure: false, digest: true, anchored: true } });
  });

  it('answers bad input with 400 naming the field, 404 for a bucket without proof, 401/403 for keys', async () => {
    const ev = (await evidenceAtA('siteKey=E-1&dataTime=2026-11-30%2010:00:00&interval=15')).body;
    const bad: [object, string][] = [
      [{ ...ev, interval: '7' }, 'interval'],
      [{ ...ev, figure: { inNum: -1, outNum: 0, throughNum: null } }, 'inNum'],
      [{ ...ev, seq: 0 }, 'seq'],
      [{ ...ev, records: [] }, 'records'],
      [{ ...ev, digest: 'x' }, 'digest'],
      [{ ...ev, deviceDid: 'did:example:1' }, 'deviceDid'],
      [{ ...ev, extra: 1 }, 'extra'],
    ];
    for (const [payload, field] of bad) {
      const res = await verifyAtB('traffic', payload);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
    expect((await evidenceAtA('siteKey=E-1&dataTime=2026-11-30%2010:07:00&interval=15')).status).toBe(400);
    expect((await evidenceAtA('siteKey=A-F1&dataTime=2026-11-30%2010:00:00&interval=15')).status).toBe(404);
    expect((await evidenceAtA(bucketQuery, 'mck_nope')).status).toBe(401);
    const pointsKey = await b.key(['points:read'], 'MallBMSP');
    expect((await verifyAtB('traffic', ev, pointsKey)).status).toBe(403);
  });

  it('CLI: `proofs traffic` at A writes the evidence, `proofs verify --file` at B exits 0, or 3 when tampered', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-proofs-cli-'));
    let text = '';
    const atA = { reads: a.app.get(TrafficReadService), evidence: a.app.get(EvidenceService) };
    const atB = { reads: b.app.get(TrafficReadService), evidence: b.app.get(EvidenceService) };
    const args = ['--site', 'E-1', '--data-time', '2026-11-30 10:00:00', '--interval', '15'];
    expect(await proofsCommand(atA, 'traffic', args, (t) => (text += t))).toBe(0);
    const file = path.join(dir, 'evidence.json');
    writeFileSync(file, text);
    let verdict = '';
    expect(await proofsCommand(atB, 'verify', ['--file', file], (t) => (verdict += t))).toBe(0);
    expect(JSON.parse(verdict)).toMatchObject({ verified: true });
    const tampered = JSON.parse(text) as { figure: { outNum: number } };
    tampered.figure.outNum += 1;
    writeFileSync(file, JSON.stringify(tampered));
    expect(await proofsCommand(atB, 'verify', ['--file', file], () => undefined)).toBe(3);
    expect(await proofsCommand(atB, 'verify', [], () => undefined)).toBe(2);
    writeFileSync(file, JSON.stringify({ ...tampered, seq: 0 }));
    await expect(proofsCommand(atB, 'verify', ['--file', file], () => undefined)).rejects.toThrow('seq');
  });

  describe('an accrual’s e-receipt', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-proofs-'));
    const printer = new DeviceIdentity(path.join(dir, 'printer.pem'), 'receipt_printer');
    let printed: Record<string, unknown>;
    const sourceRef = (): string => `haide:MALL-A/P001/${printed.flowNo as string}`;

    beforeAll(() => {
      a.devices.register(printer.key.did, printer.key.publicKeyJwk, undefined, 'receipt_printer');
      printed = printReceipt(printer, { ...sale(), ocrTime: '2026.11.30 18:05:09' }, 'mallchannel', 5);
      const e = printed.eReceipt as { seq: number; signature: string };
      const statement = receiptStatement(printed, { deviceDid: printer.key.did, seq: e.seq }, 'mallchannel');
      // Endorsed and committed, as the fake ledger does for a submitted transaction.
      const args = [
        JSON.stringify({ attestations: [{ statement, kid: `${printer.key.did}#key-1`, signature: e.signature }] }),
      ];
      a.devices.submit('devices:SubmitAttestations', args);
      a.devices.commit('devices:SubmitAttestations', args);
      b.ledger.queries.set('points:GetAccrual', (args) => {
        const req = JSON.parse(args[0] ?? '{}') as { programId: string; sourceRef: string };
        if (req.programId !== 'mallA-points' || req.sourceRef !== sourceRef())
          throw new ChaincodeRejectedError('NOT_FOUND', `NOT_FOUND: accrual ${req.sourceRef}`);
        return {
          ...req,
          member: 'did:mallchain:m',
          amount: 200,
          txId: 'f'.repeat(64),
          attestation: { deviceDid: printer.key.did, seq: 5 },
        };
      });
    });

    const evidence = (over: Record<string, unknown> = {}): object => ({
      kind: 'e-receipt',
      mallMspId: 'MallAMSP',
      programId: 'mallA-points',
      orgCode: 'MALL-A',
      receipt: printed,
      ...over,
    });

    it('verifies at B: the receipt hashes to the anchored digest and A’s accrual names that attestation', async () => {
      const v = await verifyAtB('e-receipt', evidence());
      expect(v.status).toBe(200);
      expect(v.body).toMatchObject({ verified: true, problems: [] });
      expect(v.body.checks).toEqual({
        digest: true,
        accrual: true,
        anchored: true,
        trusted: true,
        kind: true,
        owner: true,
      });
    });

    it('refuses a receipt changed after printing, another orgCode (no such accrual), and no eReceipt', async () => {
      const changed = await verifyAtB('e-receipt', evidence({ receipt: { ...printed, realAmt: '1128.50' } }));
      expect(changed.body).toMatchObject({ verified: false, checks: { digest: false } });
      const other = await verifyAtB('e-receipt', evidence({ orgCode: 'MALL-Z' }));
      expect(other.body).toMatchObject({ verified: false, checks: { accrual: false } });
      const { eReceipt: _e, ...plain } = printed;
      const none = await verifyAtB('e-receipt', evidence({ receipt: plain }));
      expect(none.status).toBe(400);
      expect(none.body.message).toContain('receipt.eReceipt is required');
      const badSeq = await verifyAtB(
        'e-receipt',
        evidence({ receipt: { ...printed, eReceipt: { ...(printed.eReceipt as object), seq: -1 } } }),
      );
      expect(badSeq.status).toBe(400);
      expect(badSeq.body.message).toContain('receipt.eReceipt.seq');
    });
  });
});
