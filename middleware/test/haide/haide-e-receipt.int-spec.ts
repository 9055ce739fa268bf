import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { receiptDigest } from '../../src/devices/e-receipt';
import { generateDeviceKey, signJcs } from '../../src/devices/device-key';
import { PrinterIdentity, printReceipt } from '../../src/devices/simulators/printer';
import { FakeDevices } from '../support/fake-devices';
import { FakeLedger } from '../support/fake-ledger';
import { type Answer, type HaideHarness, MEMBER_DID, type Result, sale, startHaide } from './haide-support';

interface Item {
  kind: string;
  natural_key: string;
  fn: string;
  args: string[];
}

/** Haide receipts carrying a paperless printer's `eReceipt` (real Postgres, the fake devices contract). */
describe('POST /haide/v1/sales with eReceipt: anchored as an attestation, named by the accrual', () => {
  let h: HaideHarness;
  const devices = new FakeDevices();
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-printer-'));
  const printer = new PrinterIdentity(path.join(dir, 'printer.pem'));

  beforeAll(async () => {
    h = await startHaide(new FakeLedger({ contracts: [devices] }));
    devices.register(printer.key.did, printer.key.publicKeyJwk, undefined, 'receipt_printer');
  });
  afterAll(() => h.t.close());

  const push = async (data: unknown): Promise<{ status: number; body: Answer<Result> }> => {
    const res = await h.post('sales', h.envelope(data));
    return { status: res.statusCode, body: res.json<Answer<Result>>() };
  };
  const items = async (like: string): Promise<Item[]> =>
    h.t.db.query<Item[]>(
      `SELECT kind, natural_key, fn, args FROM intake_items WHERE natural_key LIKE $1 ORDER BY natural_key`,
      [like],
    );
  const stored = async (flowNo: string): Promise<number> =>
    (
      await h.t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM haide_receipts WHERE flow_no = $1`, [flowNo])
    )[0]?.n ?? -1;
  /** Nothing of a refused receipt: no receipt row, no accrual, no new attestation. */
  const nothingStored = async (flowNo: string, attestationsBefore: number): Promise<void> => {
    expect(await stored(flowNo)).toBe(0);
    expect(await items(`%/${flowNo}`)).toEqual([]);
    expect(await h.count(`intake_items WHERE kind = 'device-attestation'`)).toBe(attestationsBefore);
  };

  it('anchors the e-receipt (kind receipt, digest of the receipt) and the accrual names that attestation', async () => {
    const printed = printReceipt(printer, sale(), 'mallchannel');
    const e = printed.eReceipt as { deviceDid: string; seq: number; digest: string };
    const { status, body } = await push(printed);
    expect(status).toBe(202);
    expect(body.data).toMatchObject({ status: 'accepted', points: 200 });
    const [att] = await items(`${printer.key.did}#${e.seq}`);
    expect(att).toMatchObject({ kind: 'device-attestation', fn: 'devices:SubmitAttestations' });
    const entry = (JSON.parse(att?.args[0] ?? '{}') as { attestations: { statement: Record<string, unknown> }[] })
      .attestations[0];
    expect(entry?.statement).toMatchObject({
      deviceDid: printer.key.did,
      seq: e.seq,
      kind: 'receipt',
      count: 1,
      periodStart: '2026-03-01T06:05:09Z',
      periodEnd: '2026-03-01T06:05:09Z',
      digest: Buffer.from(e.digest, 'base64url').toString('hex'),
      summary: { posNo: 'P001', flowNo: printed.flowNo, realAmt: '128.50' },
      channel: 'mallchannel',
    });
    const [accrual] = await items(`MALL-A/P001/${printed.flowNo as string}`);
    expect(JSON.parse(accrual?.args[0] ?? '{}')).toEqual({
      amount: 200,
      member: MEMBER_DID,
      merchant: 'store-0101',
      programId: 'mallA-points',
      sourceRef: `haide:MALL-A/P001/${printed.flowNo as string}`,
      attestation: { deviceDid: printer.key.did, seq: e.seq },
    });
    // Pushed again: a duplicate with the original outcome, no second attestation or accrual.
    const again = await push(printed);
    expect(again.body.data).toMatchObject({ status: 'duplicate', points: 200 });
    expect(await items(`${printer.key.did}#%`)).toHaveLength(1);
  });

  it('refuses an e-receipt whose signature is not the printer’s (PROOF_SIGNATURE), nothing stored', async () => {
    const before = await h.count(`intake_items WHERE kind = 'device-attestation'`);
    const printed = printReceipt(printer, sale(), 'mallchannel');
    const e = printed.eReceipt as Record<string, unknown>;
    const forger = generateDeviceKey();
    const forged = { ...printed, eReceipt: { ...e, signature: signJcs(forger.privateKey, { any: 'thing' }) } };
    const { status, body } = await push(forged);
    expect(status).toBe(400);
    expect(body.success).toBe(false);
    expect(body.data).toMatchObject({ status: 'rejected', points: 0 });
    expect(body.data.message).toMatch(/^PROOF_SIGNATURE: /);
    await nothingStored(printed.flowNo as string, before);
  });

  it('refuses a receipt changed after printing (PROOF_DIGEST), nothing stored', async () => {
    const before = await h.count(`intake_items WHERE kind = 'device-attestation'`);
    const printed = printReceipt(printer, sale(), 'mallchannel');
    const changed = { ...printed, realAmt: '1128.50' };
    const { status, body } = await push(changed);
    expect(status).toBe(400);
    expect(body.data.message).toMatch(/^PROOF_DIGEST: /);
    expect(body.data.message).toContain(receiptDigest(changed));
    await nothingStored(printed.flowNo as string, before);
  });

  it('refuses an e-receipt of an unregistered printer (PROOF_DEVICE), nothing stored', async () => {
    const before = await h.count(`intake_items WHERE kind = 'device-attestation'`);
    const stranger = new PrinterIdentity(path.join(dir, 'stranger.pem'));
    const printed = printReceipt(stranger, sale(), 'mallchannel');
    const { status, body } = await push(printed);
    expect(status).toBe(400);
    expect(body.data.message).toMatch(/^PROOF_DEVICE: /);
    await nothingStored(printed.flowNo as string, before);
  });

  it('refuses an e-receipt signed by a device registered as a people counter (PROOF_DEVICE_TYPE), nothing stored', async () => {
    const before = await h.count(`intake_items WHERE kind = 'device-attestation'`);
    const counter = new PrinterIdentity(path.join(dir, 'counter-as-printer.pem'));
    devices.register(counter.key.did, counter.key.publicKeyJwk); // a people_counter
    const printed = printReceipt(counter, sale(), 'mallchannel');
    const { status, body } = await push(printed);
    expect(status).toBe(400);
    expect(body.data.message).toMatch(
      /^PROOF_DEVICE_TYPE: .* is registered as a people_counter, not a receipt_printer/,
    );
    await nothingStored(printed.flowNo as string, before);
  });

  it('refuses a reused printer seq over another receipt (PROOF_CONFLICT 409), nothing stored', async () => {
    const first = printReceipt(printer, sale(), 'mallchannel');
    expect((await push(first)).status).toBe(202);
    const before = await h.count(`intake_items WHERE kind = 'device-attestation'`);
    const seq = (first.eReceipt as { seq: number }).seq;
    const other = printReceipt(printer, sale(), 'mallchannel', seq);
    const { status, body } = await push(other);
    expect(status).toBe(409);
    expect(body.data.message).toMatch(/^PROOF_CONFLICT: /);
    await nothingStored(other.flowNo as string, before);
  });

  it('refuses malformed e-receipts with 400 naming the field, nothing stored', async () => {
    const before = await h.count(`intake_items WHERE kind = 'device-attestation'`);
    const printed = printReceipt(printer, sale(), 'mallchannel');
    const e = printed.eReceipt as Record<string, unknown>;
    const cases: [Record<string, unknown>, string][] = [
      [{ ...e, seq: 0 }, 'eReceipt.seq must be an integer 1..2^48'],
      [{ ...e, seq: 1.5 }, 'eReceipt.seq must be an integer 1..2^48'],
      [{ ...e, digest: 'abc' }, 'eReceipt.digest must be base64url SHA-256'],
      [{ ...e, deviceDid: 'printer-1' }, 'eReceipt.deviceDid must be a device DID'],
      [{ ...e, signature: 'not base64url!' }, 'eReceipt.signature must be a base64url signature'],
      [{ ...e, kid: 'x' }, 'eReceipt.kid: property kid should not exist'],
    ];
    for (const [bad, message] of cases) {
      const { status, body } = await push({ ...printed, eReceipt: bad });
      expect(status).toBe(400);
      expect(body.data.message).toContain(message);
    }
    await nothingStored(printed.flowNo as string, before);
  });

  it('in a batch, stores the receipts with good e-receipts and names the one whose printer is revoked', async () => {
    const good = printReceipt(printer, sale(), 'mallchannel');
    const revokedPrinter = new PrinterIdentity(path.join(dir, 'revoked.pem'));
    devices.register(revokedPrinter.key.did, revokedPrinter.key.publicKeyJwk, undefined, 'receipt_printer');
    const bad = printReceipt(revokedPrinter, sale(), 'mallchannel');
    const device = devices.devices.get(revokedPrinter.key.did);
    if (device) device.status = 'revoked';
    const res = await h.post('sales', h.envelope({ receipts: [good, bad] }));
    const results = res.json<{ data: { receipts: { flowNo: string; status: string; message: string }[] } }>().data
      .receipts;
    expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected']);
    expect(results[1]?.message).toMatch(/^PROOF_INACTIVE: .* is revoked/);
    expect(await stored(good.flowNo as string)).toBe(1);
    expect(await stored(bad.flowNo as string)).toBe(0);
    expect(await items(`${revokedPrinter.key.did}#%`)).toEqual([]);
  });

  it('refuses an e-receipt of a suspended printer (PROOF_INACTIVE 409) and takes it once reactivated', async () => {
    const device = devices.devices.get(printer.key.did);
    if (!device) throw new Error('printer not registered');
    const printed = printReceipt(printer, sale(), 'mallchannel');
    device.status = 'suspended';
    const refused = await push(printed);
    expect(refused.status).toBe(409);
    expect(refused.body.data.message).toMatch(/^PROOF_INACTIVE: /);
    expect(await stored(printed.flowNo as string)).toBe(0);
    device.status = 'active';
    expect((await push(printed)).status).toBe(202);
  });
});
