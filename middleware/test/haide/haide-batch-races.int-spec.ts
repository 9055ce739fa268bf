/**
 * One Postgres transaction per Haide request: the races and failures it must survive (real Postgres; two app
 * instances on one database; the intake on the fake ledger). Every receipt is stored once, credited once, and a
 * conflicting receipt in a batch is named without taking the good ones with it.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/load-config';
import { IntakeService } from '../../src/intake/intake.service';
import { LEDGER } from '../../src/ledger/ledger.port';
import { FakeLedger } from '../support/fake-ledger';
import { initTestApp, testEnv } from '../support/test-app';
import { type HaideHarness, returnOf, sale, startHaide, wechat } from './haide-support';

describe('Haide batches in one transaction: races, conflicts, crashes (real Postgres, two instances)', () => {
  let h: HaideHarness;
  let second: NestFastifyApplication;
  beforeAll(async () => {
    h = await startHaide();
    const config = loadConfig(testEnv(h.t.config.databaseUrl, { ...h.env }));
    second = await createApp(config, { provide: LEDGER, useValue: new FakeLedger() });
    await initTestApp(second);
  });
  afterAll(async () => {
    await second.close();
    await h.t.close();
  });

  const items = (flowNos: unknown[]): Promise<{ natural_key: string; fn: string }[]> =>
    h.t.db.query(
      `SELECT natural_key, fn FROM intake_items WHERE kind = 'haide.receipt' AND natural_key = ANY($1::text[])
       ORDER BY created_at, natural_key`,
      [flowNos.map((f) => `MALL-A/P001/${String(f)}`)],
    );

  it('two instances pushing the same batch at once: each receipt accepted once, the other answer says duplicate', async () => {
    const batch = Array.from({ length: 50 }, () => sale({ score: 7 }));
    const [a, b] = await Promise.all([h.push(batch), h.push(batch, second)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    for (let i = 0; i < batch.length; i++) {
      const pair = [a.receipts[i], b.receipts[i]];
      expect(pair.map((r) => r?.status).sort()).toEqual(['accepted', 'duplicate']);
      expect(pair[0]?.trackingId).toBe(pair[1]?.trackingId);
      expect(pair.map((r) => r?.points)).toEqual([7, 7]);
    }
    const flows = batch.map((s) => s.flowNo);
    expect((await items(flows)).map((i) => i.fn)).toEqual(flows.map(() => 'points:Accrue'));
    expect(await h.rows(flows)).toHaveLength(50);
  });

  it('two instances pushing overlapping batches in opposite orders do not deadlock; each receipt once', async () => {
    const batch = Array.from({ length: 40 }, () => sale({ score: 3 }));
    const answers = await Promise.all([
      h.push(batch),
      h.push([...batch].reverse(), second),
      h.push(batch.slice(10, 30)),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const accepted = answers.flatMap((a) => a.receipts).filter((r) => r.status === 'accepted');
    expect(accepted.map((r) => r.flowNo).sort()).toEqual(batch.map((s) => String(s.flowNo)).sort());
    expect(await items(batch.map((s) => s.flowNo))).toHaveLength(40);
  });

  it('a batch with a conflict in the middle stores the others and names the conflicting one with 409 text', async () => {
    const first = sale({ score: 5 });
    expect((await h.push([first])).receipts[0]?.status).toBe('accepted');
    const before = sale({ score: 1 });
    const after = sale({ score: 2 });
    const changed = { ...first, score: 6 };
    const answer = await h.push([before, changed, after]);
    expect(answer.status).toBe(200);
    expect(answer.receipts.map((r) => r.status)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(answer.receipts[1]?.message).toMatch(
      /^conflict: receipt P001\/F\d+ was already received with other content/,
    );
    expect((await items([before.flowNo, first.flowNo, after.flowNo])).map((i) => i.natural_key)).toHaveLength(3);
  });

  it('an intake item of the key with other content (no receipt row: a crash of old code) is that receipt’s 409 only', async () => {
    const orphan = sale({ score: 4 });
    // As if an earlier version had written the intake item and died before the receipt row, with other content.
    const intake = h.t.app.get(IntakeService);
    await intake.accept({
      kind: 'haide.receipt',
      naturalKey: `MALL-A/P001/${String(orphan.flowNo)}`,
      payload: { other: true },
      fn: 'points:Accrue',
      args: ['{}'],
    });
    const good = [sale({ score: 1 }), sale({ score: 2 })];
    const answer = await h.push([good[0], orphan, good[1]]);
    expect(answer.receipts.map((r) => r.status)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(answer.receipts[1]?.message).toMatch(/^conflict: /);
    expect(await h.rows([orphan.flowNo])).toEqual([]);
    expect(await h.rows(good.map((g) => g.flowNo))).toHaveLength(2);
  });

  it('the answer lost after the commit (the POS re-pushes): all duplicates with the first tracking IDs, nothing twice', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => sale(i % 2 === 0 ? { score: 9 } : {}));
    const first = await h.push(batch); // the POS never saw this answer
    const again = await h.push(batch);
    expect(again.receipts.map((r) => r.status)).toEqual(batch.map(() => 'duplicate'));
    expect(again.receipts.map((r) => r.trackingId)).toEqual(first.receipts.map((r) => r.trackingId));
    expect(again.receipts.map((r) => r.points)).toEqual(first.receipts.map((r) => r.points));
    expect(await items(batch.map((s) => s.flowNo))).toHaveLength(30);
  });

  it('a sale and its return in one batch, in order: the return reverses its share at once', async () => {
    const s = sale(wechat('50.00')); // 100 points (food ×2)
    const r = returnOf(s, '20.00', wechat('20.00'));
    const answer = await h.push([s, r]);
    expect(answer.receipts.map((x) => [x.status, x.points])).toEqual([
      ['accepted', 100],
      ['accepted', 40],
    ]);
    expect((await items([s.flowNo, r.flowNo])).map((i) => i.fn)).toEqual(['points:Accrue', 'points:Reverse']);
    expect(await h.rows([s.flowNo, r.flowNo])).toEqual([
      { flow_no: s.flowNo, points: 100, parked: false },
      { flow_no: r.flowNo, points: 40, parked: false },
    ]);
  });

  it('a return before its sale in one batch: answered parked, decided by the sale in the same transaction', async () => {
    const s = sale(wechat('50.00')); // 100 points
    const r1 = returnOf(s, '20.00', wechat('20.00'));
    const r2 = returnOf(s, '30.00', wechat('30.00'));
    const answer = await h.push([r1, r2, s]);
    expect(answer.receipts.map((x) => x.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(answer.receipts[0]?.message).toContain('(parked)');
    // floor(100 × 20/50) = 40, the completing return takes the remainder 60: never more than credited.
    expect(await h.rows([r1.flowNo, r2.flowNo])).toEqual([
      { flow_no: r1.flowNo, points: 40, parked: false },
      { flow_no: r2.flowNo, points: 60, parked: false },
    ]);
    const fns = (await items([s.flowNo, r1.flowNo, r2.flowNo])).map((i) => i.fn);
    expect(fns.sort()).toEqual(['points:Accrue', 'points:Reverse', 'points:Reverse']);
    // Pushed again: the original outcomes (the returns were answered parked, they are duplicates now).
    const again = await h.push([r1, r2, s]);
    expect(again.receipts.map((x) => [x.status, x.points])).toEqual([
      ['duplicate', 40],
      ['duplicate', 60],
      ['duplicate', 100],
    ]);
  });

  it('the same receipt twice in one batch: the second is a duplicate of the first; other content is 409', async () => {
    const s = sale({ score: 8 });
    const answer = await h.push([s, s, { ...s, score: 9 }]);
    expect(answer.receipts.map((x) => x.status)).toEqual(['accepted', 'duplicate', 'rejected']);
    expect(answer.receipts[1]?.trackingId).toBe(answer.receipts[0]?.trackingId);
    expect(answer.receipts[2]?.message).toMatch(/^conflict: /);
    expect(await items([s.flowNo])).toHaveLength(1);
  });
});
