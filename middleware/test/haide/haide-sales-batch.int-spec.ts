import { createHash } from 'node:crypto';
import { type Answer, type HaideHarness, type Result, returnOf, sale, startHaide } from './haide-support';

describe('POST /haide/v1/sales/batch: a day as JSON Lines (real Postgres, HTTP)', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide();
  });
  afterAll(() => h.t.close());

  it('stores every good line, names each bad one by its line number, a return after its sale sees it', async () => {
    const s = sale({ score: 10 });
    const ret = returnOf(s, '128.50', { payments: s.payments });
    const lines = [s, sale({ posNo: 'P404' }), ret].map((r) => JSON.stringify(r));
    const text = `${lines[0] ?? ''}\n{not json\n\n${lines[1] ?? ''}\r\n${lines[2] ?? ''}\n`;
    const res = await h.upload(text);
    expect(res.statusCode).toBe(200);
    const body = res.json<Answer<{ receipts: Result[] }>>();
    expect(body.message).toBe('2 accepted, 0 duplicate, 2 rejected');
    expect(body.data.receipts.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected', 'accepted']);
    expect(body.data.receipts[1]?.message).toBe('line 2 is not JSON');
    expect(body.data.receipts[2]?.message).toContain('posNo P404');
    expect(body.data.receipts[3]?.points).toBe(10);
    // The same file again: duplicates, nothing credited twice.
    const again = (await h.upload(text)).json<{ message: string }>();
    expect(again.message).toBe('0 accepted, 2 duplicate, 2 rejected');
  });

  it('refuses a body that is not the signed one, a line past 64 KiB, and an empty upload — storing nothing', async () => {
    const before = await h.count('haide_receipts');
    const text = `${JSON.stringify(sale())}\n`;
    // Correctly signed, but over another file's digest: the body was swapped on the way.
    const swapped = await h.upload(text, {}, `${JSON.stringify(sale())}\n`);
    expect(swapped.statusCode).toBe(401);
    expect(swapped.json<{ message: string }>().message).toContain('sha256 does not match the body');
    const tampered = await h.upload(text, { sha256: createHash('sha256').update('other').digest('hex') });
    expect(tampered.statusCode).toBe(401);
    const long = await h.upload(`${JSON.stringify(sale({ memo: 'x'.repeat(70_000) }))}\n`);
    expect(long.statusCode).toBe(400);
    expect(long.json<{ message: string }>().message).toContain('line 1 is longer than 65536 bytes');
    expect((await h.upload('\n\n')).statusCode).toBe(400);
    expect(await h.count('haide_receipts')).toBe(before);
  });
});
