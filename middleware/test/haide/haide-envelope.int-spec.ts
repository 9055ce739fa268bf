import { randomBytes } from 'node:crypto';
import { type Answer, type HaideHarness, sale, startHaide } from './haide-support';

describe('Haide envelope: HMAC sign over JCS(data), ±5 min, nonce once, appId active (real Postgres, HTTP)', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide();
  });
  afterAll(() => h.t.close());

  /** Nothing of a refused request is stored: no receipt, no intake item, no nonce. */
  async function expectRefused(body: unknown, status: number, message: string): Promise<void> {
    const before = await Promise.all(['haide_receipts', 'intake_items', 'partner_nonces'].map((x) => h.count(x)));
    const res = await h.post('sales', body);
    expect(res.statusCode).toBe(status);
    const a = res.json<Answer>();
    expect(a).toMatchObject({ success: false, statusCode: String(status), data: null });
    expect(a.message).toContain(message);
    const after = await Promise.all(['haide_receipts', 'intake_items', 'partner_nonces'].map((x) => h.count(x)));
    expect(after).toEqual(before);
  }

  it('accepts a correctly signed receipt (a number or a digit-string timestamp)', async () => {
    const res = await h.post('sales', h.envelope(sale()));
    expect(res.statusCode).toBe(202);
    expect(res.json<Answer>()).toMatchObject({ success: true, statusCode: '0' });
    const env = h.envelope(sale(), { timestamp: String(Date.now()) });
    expect((await h.post('sales', env)).statusCode).toBe(202);
  });

  it('refuses a forged sign, a sign over other data, and a sign with another secret', async () => {
    const good = h.envelope(sale());
    await expectRefused({ ...good, sign: 'ab'.repeat(32) }, 401, 'sign does not match');
    await expectRefused({ ...good, data: { ...(good.data as object), realAmt: '1.00' } }, 401, 'sign does not match');
    const other = { ...h.partner, secret: randomBytes(32).toString('base64url') };
    await expectRefused(h.envelope(sale(), {}, other), 401, 'sign does not match');
    await expectRefused({ ...good, sign: 'not hex' }, 401, 'sign does not match');
  });

  it('accepts a timestamp just inside 5 minutes either way and refuses one past it', async () => {
    const now = Date.now();
    expect((await h.post('sales', h.envelope(sale(), { timestamp: now - 5 * 60_000 + 3000 }))).statusCode).toBe(202);
    expect((await h.post('sales', h.envelope(sale(), { timestamp: now + 5 * 60_000 - 3000 }))).statusCode).toBe(202);
    await expectRefused(h.envelope(sale(), { timestamp: now - 5 * 60_000 - 1000 }), 401, 's old');
    await expectRefused(h.envelope(sale(), { timestamp: now + 5 * 60_000 + 3000 }), 401, 'in the future');
  });

  it('refuses a replayed nonce, and of concurrent requests with one nonce exactly one is accepted', async () => {
    const env = h.envelope(sale());
    expect((await h.post('sales', env)).statusCode).toBe(202);
    await expectRefused(env, 401, 'already used');
    // The same nonce on another receipt (re-signed): still a replay.
    await expectRefused(h.envelope(sale(), { nonce: env.nonce }), 401, 'already used');

    const nonce = randomBytes(8).toString('hex');
    const racers = Array.from({ length: 8 }, () => h.envelope(sale(), { nonce }));
    const answers = await Promise.all(racers.map((b) => h.post('sales', b)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([202, 401, 401, 401, 401, 401, 401, 401]);
    const stored = await h.t.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM haide_receipts WHERE flow_no = ANY($1)`,
      [racers.map((r) => (r.data as { flowNo: string }).flowNo)],
    );
    expect(stored).toEqual([{ n: 1 }]);
  });

  it('refuses an unknown appId, a revoked one, and an orgCode that is not the appId’s', async () => {
    await expectRefused(
      h.envelope(sale(), {}, { ...h.partner, appId: 'hd_000000000000000000000000' }),
      401,
      'unknown or revoked',
    );
    await expectRefused(h.envelope(sale(), {}, { ...h.partner, orgCode: 'MALL-B' }), 401, 'is not the orgCode');
    const keys = await h.t.key(['keys:admin']);
    const second = (
      await h.t.app.inject({
        method: 'POST',
        url: '/v1/admin/partners',
        headers: { 'x-api-key': keys },
        payload: { kind: 'haide', orgCode: 'MALL-A', name: 'to revoke' },
      })
    ).json<{ appId: string; secret: string; orgCode: string }>();
    expect((await h.post('sales', h.envelope(sale(), {}, second))).statusCode).toBe(202);
    await h.t.app.inject({
      method: 'DELETE',
      url: `/v1/admin/partners/${second.appId}`,
      headers: { 'x-api-key': keys },
    });
    await expectRefused(h.envelope(sale(), {}, second), 401, 'unknown or revoked');
  });

  it('answers 400 naming the envelope field, storing nothing', async () => {
    const good = h.envelope(sale());
    await expectRefused({ ...good, nonce: 'x' }, 400, 'nonce must be');
    await expectRefused({ ...good, timestamp: 'yesterday' }, 400, 'timestamp must be');
    await expectRefused({ ...good, extra: 1 }, 400, 'extra: property extra should not exist');
    const { sign: _sign, ...unsigned } = good;
    await expectRefused(unsigned, 400, 'sign must be');
    await expectRefused([good], 400, 'request body must be a JSON object');
  });
});
