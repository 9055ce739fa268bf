/**
 * Edge cases of the one-transaction plan of a Haide request (real Postgres, the intake on the fake ledger): a parked
 * return refused in its own request, a refused parked key re-used later in the batch, repeated copies of a receipt
 * the intake refuses, a stored parked return re-pushed beside its sale, and the intake metrics of retried attempts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PrinterIdentity, printReceipt } from '../../src/devices/simulators/printer';
import { IntakeService } from '../../src/intake/intake.service';
import { MetricsService } from '../../src/metrics/metrics.service';
import { FakeDevices } from '../support/fake-devices';
import { FakeLedger } from '../support/fake-ledger';
import { type HaideHarness, returnOf, sale, startHaide, wechat } from './haide-support';

describe('Haide request plan: refusals inside one request are answered as stored (real Postgres)', () => {
  let h: HaideHarness;
  const devices = new FakeDevices();
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-printer-'));
  const printer = new PrinterIdentity(path.join(dir, 'printer.pem'));
  beforeAll(async () => {
    h = await startHaide(new FakeLedger({ contracts: [devices] }));
    devices.register(printer.key.did, printer.key.publicKeyJwk, undefined, 'receipt_printer');
  });
  afterAll(() => h.t.close());

  const counts = async (businessDate: string): Promise<Record<string, number>> => {
    const list = await h.t.db.query<{ outcome: string; count: number }[]>(
      `SELECT outcome, count FROM haide_receipt_counts WHERE org_code = 'MALL-A' AND business_date = $1::date`,
      [businessDate],
    );
    return Object.fromEntries(list.map((c) => [c.outcome, c.count]));
  };
  const intakeMetric = async (kind: string, outcome: string): Promise<number> => {
    const m = await h.t.app.get(MetricsService).intakeItems.get();
    return m.values.find((v) => v.labels.kind === kind && v.labels.outcome === outcome)?.value ?? 0;
  };
  /** As if an earlier version had written the receipt's intake item (other content) and died before its row. */
  const orphanItem = (s: Record<string, unknown>): Promise<unknown> =>
    h.t.app.get(IntakeService).accept({
      kind: 'haide.receipt',
      naturalKey: `MALL-A/P001/${String(s.flowNo)}`,
      payload: { other: true },
      fn: 'points:Accrue',
      args: ['{}'],
    });

  it('finding 1: a return parked and refused by its sale in the same request is answered rejected, counted once, not anchored', async () => {
    const day = '2026.05.03';
    const s = sale({ ...wechat('100.00'), ocrTime: `${day} 10:00:00` }); // 200 points
    const r1 = returnOf(s, '60.00', { ocrTime: `${day} 11:00:00` });
    const r2 = printReceipt(printer, returnOf(s, '60.00', { ocrTime: `${day} 11:05:00` }), 'mallchannel');
    const seq = (r2.eReceipt as { seq: number }).seq;
    const answer = await h.push([r1, r2, s]);
    expect(answer.status).toBe(200);
    expect(answer.receipts.map((x) => x.status)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(answer.receipts[1]?.message).toBe(`realAmt: more than the 4000 fen left of sale ${String(s.flowNo)}`);
    expect(await h.rows([r1.flowNo, r2.flowNo])).toEqual([{ flow_no: r1.flowNo, points: 120, parked: false }]);
    expect(await counts('2026-05-03')).toEqual({ rejected: 1 });
    // The refused slip's e-receipt is not anchored: the receipt it signs is not stored.
    expect(await h.count(`intake_items WHERE natural_key = '${printer.key.did}#${seq}'`)).toBe(0);
    // Pushed again, the same answers (r2 now meets its stored sale: the same over-return).
    const again = await h.push([r1, r2, s]);
    expect(again.receipts.map((x) => x.status)).toEqual(['duplicate', 'rejected', 'duplicate']);
    expect(again.receipts[1]?.message).toBe(answer.receipts[1]?.message);
  });

  it('finding 3: a stored parked return refused by its sale, its key re-used later in the batch, does not poison the batch', async () => {
    const s = sale(wechat('100.00')); // 200 points
    const r1 = returnOf(s, '60.00');
    const r2 = returnOf(s, '60.00');
    expect((await h.push([r1])).receipts[0]?.status).toBe('accepted');
    expect((await h.push([r2])).receipts[0]?.status).toBe('accepted');
    // The sale refuses r2 (40.00 left); a smaller return under r2's key then fits.
    const smaller = { ...r2, ...wechat('30.00'), payments: [] };
    const other = sale({ score: 3 });
    const answer = await h.push([s, smaller, other]);
    expect(answer.status).toBe(200);
    expect(answer.receipts.map((x) => x.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(await h.rows([r1.flowNo, r2.flowNo, other.flowNo])).toEqual(
      [
        { flow_no: r1.flowNo, points: 120, parked: false },
        { flow_no: r2.flowNo, points: 60, parked: false },
        { flow_no: other.flowNo, points: 3, parked: false },
      ].sort((a, b) => String(a.flow_no).localeCompare(String(b.flow_no))),
    );
  });

  it('finding 4: seven copies of a receipt whose intake item is refused are all 409, the batch is stored', async () => {
    const orphan = sale({ score: 4 });
    await orphanItem(orphan);
    const good = sale({ score: 1 });
    const batch = [good, ...Array.from({ length: 7 }, () => orphan)];
    const answer = await h.push(batch);
    expect(answer.status).toBe(200);
    expect(answer.receipts.map((x) => x.status)).toEqual(['accepted', ...batch.slice(1).map(() => 'rejected')]);
    for (const r of answer.receipts.slice(1)) expect(r.message).toMatch(/^conflict: /);
    expect(await h.rows([good.flowNo, orphan.flowNo])).toEqual([{ flow_no: good.flowNo, points: 1, parked: false }]);
  });

  it('finding 5: a stored parked return re-pushed beside its sale is answered with the figures the sale decided', async () => {
    const s = sale(wechat('50.00')); // 100 points
    const r = returnOf(s, '20.00');
    expect((await h.push([r])).receipts[0]?.message).toContain('(parked)');
    const answer = await h.push([s, r]);
    expect(answer.receipts.map((x) => x.status)).toEqual(['accepted', 'duplicate']);
    expect(answer.receipts[1]?.points).toBe(40);
    expect(answer.receipts[1]?.trackingId).toEqual(expect.any(String));
    const again = await h.push([r]);
    expect(again.receipts[0]).toEqual(answer.receipts[1]);
  });

  it('finding 5: a stored parked return re-pushed before the sale that refuses it is answered with that refusal', async () => {
    const s = sale(wechat('100.00'));
    const r1 = returnOf(s, '60.00');
    const r2 = returnOf(s, '60.00');
    expect((await h.push([r1])).receipts[0]?.status).toBe('accepted');
    expect((await h.push([r2])).receipts[0]?.status).toBe('accepted');
    const answer = await h.push([r2, s]);
    expect(answer.receipts.map((x) => x.status)).toEqual(['rejected', 'accepted']);
    expect(answer.receipts[0]?.message).toBe(`realAmt: more than the 4000 fen left of sale ${String(s.flowNo)}`);
    expect(await h.rows([r2.flowNo])).toEqual([]);
    expect((await h.push([r2])).receipts[0]).toEqual(answer.receipts[0]);
  });

  it('finding 6: the intake metrics count what committed, not the attempts rolled back', async () => {
    const orphan = sale({ score: 4 });
    await orphanItem(orphan);
    const accepted = await intakeMetric('haide.receipt', 'accepted');
    const conflicts = await intakeMetric('haide.receipt', 'conflict');
    const answer = await h.push([sale({ score: 1 }), orphan, sale({ score: 2 })]); // attempt 1 refused, attempt 2 commits
    expect(answer.receipts.map((x) => x.status)).toEqual(['accepted', 'rejected', 'accepted']);
    expect((await intakeMetric('haide.receipt', 'accepted')) - accepted).toBe(2);
    expect((await intakeMetric('haide.receipt', 'conflict')) - conflicts).toBe(1);
  });
});
