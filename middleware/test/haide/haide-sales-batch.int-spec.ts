import { createHash, randomBytes } from 'node:crypto';
import { haideSign } from '../../src/adapters/haide/haide-envelope';
import { type HaideHarness, sale, startHaide } from './haide-support';

interface Result {
  flowNo: string;
  status: string;
  points: number;
  message: string;
}

describe('POST /haide/v1/sales/batch: a day as JSON Lines (real Postgres, HTTP)', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide();
  });
  afterAll(() => h.t.close());

  const upload = (text: string, over: Record<string, string> = {}, signed = text): ReturnType<HaideHarness['post']> => {
    const timestamp = String(Date.now());
    const nonce = randomBytes(8).toString('hex');
    const { appId, secret, orgCode } = h.partner;
    const sha256 = createHash('sha256').update(signed).digest('hex');
    const sign = haideSign(Buffer.from(secret), appId, timestamp, nonce, { orgCode, sha256 });
    const qs = new URLSearchParams({ appId, timestamp, nonce, orgCode, sha256, sign, ...over });
    return h.t.app.inject({
      method: 'POST',
      url: `/haide/v1/sales/batch?${qs.toString()}`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: text,
    });
  };

  it('stores every good line, names each bad one by its line number, a return after its sale sees it', async () => {
    const s = sale({ score: 10 });
    const ret = sale({ txType: 'RETURN', backFlowNo: s.flowNo, backTime: s.ocrTime, realAmt: '128.50' });
    const lines = [s, sale({ posNo: 'P404' }), ret].map((r) => JSON.stringify(r));
    const text = `${lines[0] ?? ''}\n{not json\n\n${lines[1] ?? ''}\r\n${lines[2] ?? ''}\n`;
    const res = await upload(text);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ success: boolean; message: string; data: { receipts: Result[] } }>();
    expect(body.message).toBe('2 accepted, 0 duplicate, 2 rejected');
    expect(body.data.receipts.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected', 'accepted']);
    expect(body.data.receipts[1]?.message).toBe('line 2 is not JSON');
    expect(body.data.receipts[2]?.message).toContain('posNo P404');
    expect(body.data.receipts[3]?.points).toBe(10);
    // The same file again: duplicates, nothing credited twice.
    const again = (await upload(text)).json<{ message: string }>();
    expect(again.message).toBe('0 accepted, 2 duplicate, 2 rejected');
  });

  it('refuses a body that is not the signed one, a line past 64 KiB, and an empty upload — storing nothing', async () => {
    const before = await h.count('haide_receipts');
    const text = `${JSON.stringify(sale())}\n`;
    // Correctly signed, but over another file's digest: the body was swapped on the way.
    const swapped = await upload(text, {}, `${JSON.stringify(sale())}\n`);
    expect(swapped.statusCode).toBe(401);
    expect(swapped.json<{ message: string }>().message).toContain('sha256 does not match the body');
    const tampered = await upload(text, { sha256: createHash('sha256').update('other').digest('hex') });
    expect(tampered.statusCode).toBe(401);
    const long = await upload(`${JSON.stringify(sale({ memo: 'x'.repeat(70_000) }))}\n`);
    expect(long.statusCode).toBe(400);
    expect(long.json<{ message: string }>().message).toContain('line 1 is longer than 65536 bytes');
    expect((await upload('\n\n')).statusCode).toBe(400);
    expect(await h.count('haide_receipts')).toBe(before);
  });
});
