import { RECORDS_MAX, COUNT_MAX } from '../../src/huina/traffic.validator';
import { credential, startHuinaApp, type HuinaApp } from './huina-harness';
import { push, rec, TREE, type Rec } from './traffic-records';

interface Results {
  results: { index: number; status: string; reason?: string }[];
}

describe('POST /huina/v1/traffic (real HTTP, real Postgres)', () => {
  let t: HuinaApp;

  beforeAll(async () => {
    t = await startHuinaApp();
    const first = await t.call('POST', '/huina/v1/traffic', push(TREE));
    expect(first.status).toBe(200);
  });
  afterAll(() => t.close());

  const post = (body: unknown): ReturnType<HuinaApp['call']> => t.call('POST', '/huina/v1/traffic', body);
  const statuses = (b: { data: unknown }): string[] => (b.data as Results).results.map((r) => r.status);
  const bucket = async (siteKey: string): Promise<{ in_num: number; out_num: number; modify_time: Date }[]> =>
    t.db.query(
      `SELECT in_num, out_num, modify_time FROM huina_traffic_buckets WHERE site_key = $1 ORDER BY data_time`,
      [siteKey],
    );
  const count = async (table: string): Promise<number> =>
    Number((await t.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

  it('upserts a bucket: accepted, a newer modifyTime replaced, an older or equal one stale; never summed', async () => {
    const r = (over: Parameters<typeof rec>[0]): ReturnType<typeof rec> => rec({ siteKey: 'A-F1-U', ...over });
    const a = await post(push([r({ inNum: 5, modifyTime: '2026-11-30 10:05:00' })]));
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ success: true, statusCode: '0' });
    expect(statuses(a.body)).toEqual(['accepted']);
    const b = await post(push([r({ inNum: 12, modifyTime: '2026-11-30 10:15:00' })]));
    expect(statuses(b.body)).toEqual(['replaced']);
    const older = await post(push([r({ inNum: 99, modifyTime: '2026-11-30 10:10:00' })]));
    const equal = await post(push([r({ inNum: 77, modifyTime: '2026-11-30 10:15:00' })]));
    expect(statuses(older.body)).toEqual(['stale']);
    expect(statuses(equal.body)).toEqual(['stale']);
    expect((await bucket('A-F1-U')).map((x) => x.in_num)).toEqual([12]);
  });

  it('treats 60 and H as the same hour bucket', async () => {
    const h = rec({ siteKey: 'A-F1-H', interval: 60, modifyTime: '2026-11-30 11:00:00' });
    expect(statuses((await post(push([h]))).body)).toEqual(['accepted']);
    const again = rec({ siteKey: 'A-F1-H', interval: 'H', inNum: 40, modifyTime: '2026-11-30 11:01:00' });
    expect(statuses((await post(push([again]))).body)).toEqual(['replaced']);
    expect((await bucket('A-F1-H')).map((x) => x.in_num)).toEqual([40]);
  });

  it('counts one bucket once when a request carries it twice: the newest revision, the other stale', async () => {
    const older = rec({ siteKey: 'A-F1-D', inNum: 3, modifyTime: '2026-11-30 10:05:00' });
    const newer = rec({ siteKey: 'A-F1-D', inNum: 9, modifyTime: '2026-11-30 10:09:00' });
    const res = await post(push([newer, older, { ...newer }]));
    expect(statuses(res.body)).toEqual(['accepted', 'stale', 'stale']);
    expect((await bucket('A-F1-D')).map((x) => x.in_num)).toEqual([9]);
  });

  it('settles concurrent pushes of different revisions of one bucket on the newest, in any arrival order', async () => {
    for (let round = 0; round < 8; round++) {
      const key = `A-F1-R${round}`;
      const revisions = [1, 2, 3, 4].map((m) =>
        rec({ siteKey: key, inNum: m * 100, modifyTime: `2026-11-30 10:1${m}:00` }),
      );
      const order = round % 2 === 0 ? revisions : [...revisions].reverse();
      const answers = await Promise.all(order.map((r) => post(push([r]))));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect((await bucket(key)).map((x) => x.in_num)).toEqual([400]);
      const s = answers.flatMap((a) => statuses(a.body));
      expect(s.filter((x) => x === 'accepted')).toHaveLength(1);
    }
  });

  it('builds the site tree from parentSiteKey, a parent in the same request included', async () => {
    const res = await post(
      push([
        rec({ siteKey: 'A-F2-S', siteType: 600, parentSiteKey: 'A-F2' }),
        rec({ siteKey: 'A-F2', siteName: 'Floor 2', siteType: 500, parentSiteKey: 'A' }),
      ]),
    );
    expect(statuses(res.body)).toEqual(['accepted', 'accepted']);
    const sites: unknown = await t.db.query(
      `SELECT site_key, parent_site_key FROM huina_sites WHERE site_key LIKE 'A-F2%' ORDER BY 1`,
    );
    expect(sites).toEqual([
      { site_key: 'A-F2', parent_site_key: 'A' },
      { site_key: 'A-F2-S', parent_site_key: 'A-F2' },
    ]);
  });

  it('refuses an unknown parent by name: alone 400 and nothing stored; beside good records only that record', async () => {
    const before = await count('huina_traffic_buckets');
    const alone = await post(push([rec({ siteKey: 'X-1', parentSiteKey: 'NOPE' })]));
    expect(alone.status).toBe(400);
    expect(alone.body).toMatchObject({ success: false, statusCode: 'SITE_PARENT' });
    expect(alone.body.message).toContain('parentSiteKey NOPE is neither a known site nor a siteKey in this request');
    expect(await count('huina_traffic_buckets')).toBe(before);
    expect(await t.db.query(`SELECT 1 FROM huina_sites WHERE site_key = 'X-1'`)).toEqual([]);

    const mixed = await post(push([rec({ siteKey: 'X-2', parentSiteKey: 'NOPE' }), rec({ siteKey: 'A-F1-M' })]));
    expect(mixed.status).toBe(200);
    expect(statuses(mixed.body)).toEqual(['rejected', 'accepted']);
    expect((mixed.body.data as Results).results[0]?.reason).toContain('NOPE');
    expect(await t.db.query(`SELECT 1 FROM huina_sites WHERE site_key = 'X-2'`)).toEqual([]);
  });

  it('refuses a parent loop (through stored sites and within one request) and a site given two parents', async () => {
    const loop = await post(push([rec({ siteKey: 'A', siteType: 300, parentSiteKey: 'A-F1-U' })]));
    expect(loop.status).toBe(400);
    expect(loop.body.statusCode).toBe('SITE_CYCLE');
    expect(loop.body.message).toContain('A > A-F1-U > A-F1 > A');
    const pair = await post(
      push([rec({ siteKey: 'L1', parentSiteKey: 'L2' }), rec({ siteKey: 'L2', parentSiteKey: 'L1' })]),
    );
    expect(pair.status).toBe(400);
    expect(statuses(pair.body)).toEqual(['rejected', 'rejected']);
    const two = await post(
      push([rec({ siteKey: 'T1', parentSiteKey: 'A' }), rec({ siteKey: 'T1', parentSiteKey: 'A-F1' })]),
    );
    expect(two.status).toBe(400);
    expect(two.body.message).toContain('site T1 is given two parents');
    const parents: unknown = await t.db.query(
      `SELECT parent_site_key FROM huina_sites WHERE site_key IN ('A', 'L1', 'L2', 'T1')`,
    );
    expect(parents).toEqual([{ parent_site_key: null }]);
  });

  it.each([
    ['interval', { interval: '30' }, 'records.0.interval must be one of 5, 15, 60, H, D'],
    ['negative count', { inNum: -1 }, 'records.0.inNum must not be negative'],
    ['fractional count', { outNum: 1.5 }, 'records.0.outNum must be an integer'],
    ['count over the bound', { inNum: COUNT_MAX + 1 }, `records.0.inNum must not be greater than ${COUNT_MAX}`],
    ['string count', { throughNum: '3' }, 'records.0.throughNum must be an integer'],
    ['impossible date', { dataTime: '2026-02-30 10:00:00' }, 'records.0.dataTime must be an existing'],
    ['hour 24', { dataTime: '2026-11-30 24:00:00' }, 'records.0.dataTime must be an existing'],
    ['ISO form', { dataTime: '2026-11-30T10:00:00' }, 'records.0.dataTime must be an existing'],
    ['unaligned 15', { dataTime: '2026-11-30 10:07:00' }, 'records.0.dataTime must start a 15-minute bucket'],
    ['unaligned seconds', { interval: 5, dataTime: '2026-11-30 10:05:30' }, 'must start a 5-minute bucket'],
    [
      'day not at midnight',
      { interval: 'D', dataTime: '2026-11-30 01:00:00' },
      'records.0.dataTime must start a D bucket',
    ],
    ['future revision', { modifyTime: '2099-01-01 00:00:00' }, 'records.0.modifyTime must not be in the future'],
    [
      'revision before bucket',
      { modifyTime: '2026-11-30 09:59:59' },
      'records.0.modifyTime must not be before dataTime',
    ],
    ['site type', { siteType: 200 }, 'records.0.siteType must be one of 100, 300, 400, 500, 600, 700'],
    ['site key', { siteKey: 'a b' }, 'records.0.siteKey may contain only'],
    ['own parent', { parentSiteKey: 'A-F1-N' }, 'records.0.parentSiteKey must differ from siteKey'],
    ['unknown field', { extra: 1 }, 'records.0.extra: property extra should not exist'],
  ])('refuses %s with 400 naming the field, nothing stored', async (_name, over, message) => {
    const before = await count('huina_traffic_buckets');
    const res = await post(
      push([rec({ siteKey: 'V-1', parentSiteKey: 'A-F1' }), { ...rec({ siteKey: 'A-F1-N' }), ...over } as Rec]),
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, statusCode: 'INPUT_INVALID', data: null });
    expect(res.body.message.replace('records.1.', 'records.0.')).toContain(message);
    expect(await count('huina_traffic_buckets')).toBe(before);
    expect(await t.db.query(`SELECT 1 FROM huina_sites WHERE site_key = 'V-1'`)).toEqual([]);
  });

  it('takes exactly the limits: 1,000 records and counts of COUNT_MAX; refuses 1,001 records and an empty push', async () => {
    const many = Array.from({ length: RECORDS_MAX }, (_, i) =>
      rec({
        siteKey: `A-F1-E${i % 10}`,
        dataTime: `2026-11-2${Math.floor(i / 400)} ${String(Math.floor((i % 400) / 10 / 4) + 10).padStart(2, '0')}:${String((Math.floor(i / 10) % 4) * 15).padStart(2, '0')}:00`,
        inNum: COUNT_MAX,
        modifyTime: '2026-11-30 00:00:00',
      }),
    );
    const ok = await post(push(many));
    expect(ok.status).toBe(200);
    expect(statuses(ok.body).filter((s) => s === 'accepted')).toHaveLength(RECORDS_MAX);
    const tooMany = await post(push([...many, rec()]));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toBe(`records must contain no more than ${RECORDS_MAX} elements`);
    const empty = await post(push([]));
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('records must contain at least 1 elements');
  });

  it('answers a body over the size limit with 413 in the envelope', async () => {
    const res = await t.call('POST', '/huina/v1/traffic', push([rec({ siteName: 'x'.repeat(9_000_000) })]));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ success: false, statusCode: 'BODY_TOO_LARGE' });
  });

  describe('X-Ca-* signature (401, nothing stored)', () => {
    const attempt = async (opts: Parameters<HuinaApp['call']>[3], code: string, key = 'A-F1-SIG'): Promise<void> => {
      const res = await t.call('POST', '/huina/v1/traffic', push([rec({ siteKey: key })]), opts);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, statusCode: code });
      expect(await bucket(key)).toEqual([]);
    };

    it('refuses missing or malformed headers', async () => {
      await attempt({ headers: ({ 'x-ca-signature': _s, ...h }) => h }, 'SIGNATURE_HEADERS');
      await attempt({ headers: (h) => ({ ...h, 'x-ca-timestamp': '17000' }) }, 'SIGNATURE_HEADERS');
      await attempt({ nonce: 'short' }, 'SIGNATURE_HEADERS');
    });

    it('refuses a timestamp more than 5 minutes off either way, and takes one just inside', async () => {
      await attempt({ timestamp: Date.now() - 5 * 60_000 - 1000 }, 'SIGNATURE_TIMESTAMP');
      await attempt({ timestamp: Date.now() + 5 * 60_000 + 1000 }, 'SIGNATURE_TIMESTAMP');
      const inside = await t.call('POST', '/huina/v1/traffic', push([rec({ siteKey: 'A-F1-EDGE' })]), {
        timestamp: Date.now() - 5 * 60_000 + 2000,
      });
      expect(inside.status).toBe(200);
    });

    it('refuses an unknown appId, a credential of another adapter or mall, and a wrong secret', async () => {
      await attempt({ cred: credential({ appId: 'nobody' }) }, 'SIGNATURE_APP');
      const haide = credential({ appId: 'haide-1', kind: 'haide' });
      const otherMall = credential({ appId: 'huina-b', mallMspId: 'MallBMSP' });
      await t.addCredential(haide);
      await t.addCredential(otherMall);
      await attempt({ cred: haide }, 'SIGNATURE_APP');
      await attempt({ cred: otherMall }, 'SIGNATURE_APP');
      await attempt({ cred: { ...t.cred, secret: Buffer.alloc(32, 7) } }, 'SIGNATURE_INVALID');
    });

    it('refuses a body or path changed after signing (the signature covers the raw bytes)', async () => {
      const body = push([rec({ siteKey: 'A-F1-SIG' })]);
      const changed = JSON.stringify(push([rec({ siteKey: 'A-F1-SIG', inNum: 999 })]));
      await attempt({ sentBody: changed }, 'SIGNATURE_INVALID');
      // Same JSON value, other bytes: still refused (nothing is re-serialised before checking).
      await attempt({ sentBody: JSON.stringify(body, null, 1) }, 'SIGNATURE_INVALID');
      const url = '/huina/v1/traffic?siteKey=A&from=2026-11-30 00:00:00&to=2026-12-01 00:00:00&interval=D';
      expect((await t.call('GET', url)).status).toBe(200);
      const other = await t.call('GET', url, undefined, { sentUrl: url.replace('siteKey=A&', 'siteKey=A-F1&') });
      expect(other.status).toBe(401);
      expect(other.body.statusCode).toBe('SIGNATURE_INVALID');
    });

    it('refuses a replayed nonce, and a forged request cannot burn a nonce', async () => {
      const nonce = 'nonce-replay-0001';
      await attempt({ nonce, cred: { ...t.cred, secret: Buffer.alloc(32, 1) } }, 'SIGNATURE_INVALID');
      const first = await t.call('POST', '/huina/v1/traffic', push([rec({ siteKey: 'A-F1-NONCE' })]), { nonce });
      expect(first.status).toBe(200);
      await attempt({ nonce }, 'SIGNATURE_REPLAY');
    });

    it("refuses a customerId that is not the credential's mall with 403", async () => {
      const res = await t.call('POST', '/huina/v1/traffic', {
        ...push([rec({ siteKey: 'A-F1-CUST' })]),
        customerId: 'MALLB',
      });
      expect(res.status).toBe(403);
      expect(res.body.statusCode).toBe('FORBIDDEN');
      expect(await bucket('A-F1-CUST')).toEqual([]);
    });
  });
});
