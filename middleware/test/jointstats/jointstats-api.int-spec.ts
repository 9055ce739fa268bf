/**
 * The jointstats routes on the real app and a real Postgres: bad input is refused with 400 naming the field before
 * anything is stored or asked of the ledger, scopes are enforced, and without JOINT_STATS_KEY nothing is approved.
 * (Paths that reach the ledger are covered on the real network: test/e2e/joint-stats.e2e.ts.)
 */
import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app';

const GOOD = {
  roundId: 'district-2026-03-01-visitors',
  metric: 'visitors',
  siteLevel: 'mall',
  periodStart: '2026-02-28T16:00:00Z',
  bucketMinutes: 60,
  buckets: 24,
  participants: ['MallAMSP', 'MallBMSP', 'MallCMSP'],
  threshold: 2,
  deadline: new Date(Date.now() + 3_600_000).toISOString(),
};

describe('jointstats routes', () => {
  let t: TestApp;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    t = await startTestApp({ JOINT_STATS_KEY: randomBytes(32).toString('base64'), LEDGER_USER: 'admin' });
    admin = await t.key(['consortium:admin']);
    reader = await t.key(['stats:read']);
  });
  afterAll(() => t.close());

  const propose = (body: unknown, key = admin): Promise<{ statusCode: number; body: string }> =>
    t.app.inject({
      method: 'POST',
      url: '/v1/jointstats/rounds',
      headers: { 'x-api-key': key },
      payload: body as object,
    });

  async function stored(): Promise<number> {
    const r = await t.db.query<{ n: string }[]>('SELECT count(*)::text AS n FROM jointstats_participations');
    return Number(r[0]?.n);
  }

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an unknown metric',
      { metric: 'sales' },
      'metric must be one of the following values: visitors, visitorsOut, salesFen, receipts',
    ],
    [
      'sales below the mall level',
      { metric: 'salesFen', siteLevel: 'floor' },
      'metric salesFen is computed for the whole mall only (siteLevel mall), not floor',
    ],
    [
      'an attested sales round',
      { metric: 'receipts', attested: true },
      'attested rounds cover traffic metrics only, not receipts',
    ],
    ['a non-boolean attested flag', { attested: 'yes' }, 'attested must be a boolean value'],
    [
      'an unknown share delivery',
      { shareDelivery: 'gossip' },
      'shareDelivery must be one of the following values: ledger, private',
    ],
    ['an unknown level', { siteLevel: 'planet' }, 'siteLevel must be one of the following values'],
    ['two participants', { participants: ['MallAMSP', 'MallBMSP'] }, 'participants must contain at least 3 elements'],
    [
      '17 participants',
      { participants: Array.from({ length: 17 }, (_, i) => `Mall${i}MSP`) },
      'participants must contain no more than 16',
    ],
    ['a bad MSP ID', { participants: ['MallAMSP', 'Mall B', 'MallCMSP'] }, 'participants must be MSP IDs'],
    ['threshold 1', { threshold: 1 }, 'threshold must not be less than 2'],
    ['169 buckets', { buckets: 169 }, 'buckets must not be greater than 168'],
    ['0 buckets', { buckets: 0 }, 'buckets must not be less than 1'],
    ['a bucket longer than a day', { bucketMinutes: 1441 }, 'bucketMinutes must not be greater than 1440'],
    ['a non-integer bucket count', { buckets: 2.5 }, 'buckets must be an integer number'],
    ['a bad period start', { periodStart: 'yesterday' }, 'periodStart must be a valid ISO 8601 date string'],
    ['minContributors 2', { minContributors: 2 }, 'minContributors must not be less than 3'],
    ['a bad round ID', { roundId: '-x' }, 'roundId must start with a letter or digit'],
    ['a round ID of 101 characters', { roundId: 'r'.repeat(101) }, 'roundId must be shorter than or equal to 100'],
    ['an unknown member', { colour: 'red' }, 'property colour should not exist'],
    [
      'the mall missing from participants',
      { participants: ['MallBMSP', 'MallCMSP', 'MallDMSP'] },
      'participants must include this mall (MallAMSP)',
    ],
    ['a participant twice', { participants: ['MallAMSP', 'MallBMSP', 'MallBMSP'] }, 'participants: listed twice'],
    ['threshold above n', { threshold: 4 }, 'threshold must be at most the participants'],
    ['a deadline in the past', { deadline: '2020-01-01T00:00:00Z' }, 'deadline must be in the future'],
  ])('refuses %s with 400, storing nothing', async (_name, change, message) => {
    const r = await propose({ ...GOOD, ...change });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain(message);
    expect(await stored()).toBe(0);
  });

  it('refuses a bad round ID in the path with 400', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/jointstats/rounds/-bad/approve',
      headers: { 'x-api-key': admin },
    });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('roundId must be 1–100 letters');
    // Past 100 characters the router itself answers 414, which is why proposals are held to 100.
    const g = await t.app.inject({ url: `/v1/jointstats/rounds/${'r'.repeat(101)}`, headers: { 'x-api-key': reader } });
    expect(g.statusCode).toBe(414);
  });

  it('needs consortium:admin to propose or approve, stats:read to read, and a key at all', async () => {
    expect((await propose(GOOD, reader)).statusCode).toBe(403);
    const approve = await t.app.inject({
      method: 'POST',
      url: '/v1/jointstats/rounds/r1/approve',
      headers: { 'x-api-key': reader },
    });
    expect(approve.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/v1/jointstats/rounds', headers: { 'x-api-key': admin } })).statusCode).toBe(
      403,
    );
    expect((await t.app.inject({ url: '/v1/jointstats/rounds' })).statusCode).toBe(401);
    expect(await stored()).toBe(0);
  });
});

describe('jointstats routes without JOINT_STATS_KEY', () => {
  it('answer 503 naming the setting, and store nothing', async () => {
    const t = await startTestApp({ LEDGER_USER: 'admin' });
    try {
      const key = await t.key(['consortium:admin']);
      const r = await t.app.inject({
        method: 'POST',
        url: '/v1/jointstats/rounds',
        headers: { 'x-api-key': key },
        payload: GOOD,
      });
      expect(r.statusCode).toBe(503);
      expect(r.body).toContain('JOINT_STATS_KEY');
      const a = await t.app.inject({
        method: 'POST',
        url: '/v1/jointstats/rounds/r1/approve',
        headers: { 'x-api-key': key },
      });
      expect(a.statusCode).toBe(503);
      const n = await t.db.query<{ n: string }[]>('SELECT count(*)::text AS n FROM jointstats_participations');
      expect(n[0]?.n).toBe('0');
    } finally {
      await t.close();
    }
  });
});
