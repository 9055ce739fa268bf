import { pushSales } from '../../src/adapters/haide/simulator/pos-simulator';
import { plan } from '../../src/pos';
import { type HaideHarness, startHaide } from './haide-support';

describe('POS simulator against the real HTTP server', () => {
  let h: HaideHarness;
  let url: string;
  beforeAll(async () => {
    h = await startHaide();
    await h.t.app.listen(0, '127.0.0.1');
    url = (await h.t.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => h.t.close());

  it('signs and pushes sales with partial returns in batches; a repeat comes back as duplicates', async () => {
    const id = { url, ...h.partner };
    const receipts = plan([
      '--count',
      '4',
      '--return-every',
      '2',
      '--card',
      'C0001',
      '--prefix',
      'S1',
      '--yuan',
      '10.00',
    ]);
    expect(receipts).toHaveLength(6);
    const first = await pushSales(id, { receipts });
    expect(first.status).toBe(200);
    expect(first.body.message).toBe('6 accepted, 0 duplicate, 0 rejected');
    const again = await pushSales(id, { receipts });
    expect(again.body.message).toBe('0 accepted, 6 duplicate, 0 rejected');
    const one = await pushSales(id, plan(['--count', '1', '--prefix', 'S2'])[0]);
    expect(one.status).toBe(202);
    const rows = await h.t.db.query<{ tx_type: string; points: number }[]>(
      `SELECT tx_type, sum(points)::int AS points FROM haide_receipts WHERE flow_no LIKE 'S1-%' GROUP BY 1 ORDER BY 1`,
    );
    // 4 sales × 10.00 yuan × food ×2 = 80; two returns of 5.00 take 10 each.
    expect(rows).toEqual([
      { tx_type: 'RETURN', points: 20 },
      { tx_type: 'SALE', points: 80 },
    ]);
  });
});
