import {
  addDays,
  byBucket,
  byKind,
  currentKey,
  dailyFlow,
  lastDays,
  monthWindow,
  shanghaiDay,
  type SiteNode,
  totalsOf,
  treeOrder,
  yuan,
} from './figures';

describe('console figures', () => {
  const counts = [
    { kind: 'note', status: 'committed', count: 5 },
    { kind: 'note', status: 'dead', count: 1 },
    { kind: 'points.accrual', status: 'pending', count: 2 },
    { kind: 'points.accrual', status: 'stalled', count: 3 },
  ] as const;

  it('totals every state and counts every item as accepted once', () => {
    expect(totalsOf(counts)).toEqual({ pending: 2, stalled: 3, committed: 5, dead: 1, accepted: 11 });
    expect(totalsOf([])).toEqual({ pending: 0, stalled: 0, committed: 0, dead: 0, accepted: 0 });
  });

  it('gives one row per kind, sorted, with zeros for states it has none in', () => {
    expect(byKind(counts)).toEqual([
      { kind: 'note', pending: 0, stalled: 0, committed: 5, dead: 1 },
      { kind: 'points.accrual', pending: 2, stalled: 3, committed: 0, dead: 0 },
    ]);
  });

  it('groups the counts by bucket, oldest first: hours as UTC HH:mm, days as Asia/Shanghai MM-dd', () => {
    const hours = byBucket(
      [
        { start: '2026-12-01T11:00:00.000Z', status: 'committed', count: 4 },
        { start: '2026-12-01T10:00:00.000Z', status: 'dead', count: 1 },
        { start: '2026-12-01T11:00:00.000Z', status: 'pending', count: 2 },
      ],
      'hour',
    );
    expect(hours).toEqual([
      { label: '10:00', start: '2026-12-01T10:00:00.000Z', pending: 0, stalled: 0, committed: 0, dead: 1 },
      { label: '11:00', start: '2026-12-01T11:00:00.000Z', pending: 2, stalled: 0, committed: 4, dead: 0 },
    ]);
    // 16:00Z is midnight in Shanghai: the bucket of 2026-12-01 starts at 2026-11-30T16:00Z.
    const days = byBucket(
      [
        { start: '2026-11-30T16:00:00.000Z', status: 'committed', count: 7 },
        { start: '2026-11-29T16:00:00.000Z', status: 'committed', count: 3 },
      ],
      'day',
    );
    expect(days.map((d) => [d.label, d.committed])).toEqual([
      ['11-30', 3],
      ['12-01', 7],
    ]);
  });

  it('writes fen as yuan with grouped thousands and two decimals', () => {
    expect([yuan(0), yuan(5), yuan(123456), yuan(-100), yuan(100000000)]).toEqual([
      '0.00',
      '0.05',
      '1,234.56',
      '-1.00',
      '1,000,000.00',
    ]);
  });

  it('opens the clearing window on the first of this month and closes it on the first of the next (UTC)', () => {
    expect(monthWindow(new Date('2026-12-15T23:59:00Z'))).toEqual({
      from: '2026-12-01T00:00:00.000Z',
      to: '2027-01-01T00:00:00.000Z',
    });
  });

  it('finds the key valid now: not before validFrom, not rotated out, not compromised', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const keys = [
      { kid: 'k1', validFrom: '2026-01-01T00:00:00Z', validTo: '2026-06-01T00:00:00Z' },
      { kid: 'k2', validFrom: '2026-06-01T00:00:00Z', compromisedAt: '2026-11-01T00:00:00Z' },
      { kid: 'k3', validFrom: '2026-11-01T00:00:00Z' },
      { kid: 'k4', validFrom: '2027-01-01T00:00:00Z' },
    ];
    expect(currentKey(keys, now)?.kid).toBe('k3');
    expect(currentKey(keys.slice(0, 2), now)).toBeUndefined();
  });
});

describe('console traffic helpers', () => {
  it('takes the day in Shanghai (UTC+8) and moves days across month ends', () => {
    expect(shanghaiDay(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12-01');
    expect(shanghaiDay(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
    expect([addDays('2026-12-31', 1), addDays('2026-03-01', -1)]).toEqual(['2027-01-01', '2026-02-28']);
  });

  it('orders the site tree parents first, siblings by key, with depths; an orphan is a root', () => {
    const s = (siteKey: string, parentSiteKey: string | null): SiteNode => ({
      siteKey,
      siteName: siteKey,
      parentSiteKey,
    });
    const order = treeOrder([s('A-F2', 'A'), s('A-F1-N', 'A-F1'), s('A', null), s('A-F1', 'A'), s('X-1', 'X')]);
    expect(order.map((o) => `${o.depth}:${o.siteKey}`)).toEqual(['0:A', '1:A-F1', '2:A-F1-N', '1:A-F2', '0:X-1']);
  });

  it('nets each day (accrued − reversed − redeemed) and sums the range', () => {
    const z = { accruals: 0, reversals: 0, redemptions: 0 };
    const { rows, totals } = dailyFlow([
      { ...z, day: '2026-11-02', accrued: 150, accruals: 2, reversed: 20, reversals: 1, redeemed: 0 },
      { ...z, day: '2026-11-03', accrued: 7, accruals: 1, reversed: 0, redeemed: 0 },
      { ...z, day: '2026-11-04', accrued: 0, reversed: 0, redeemed: 42, redemptions: 2 },
    ]);
    expect(rows.map((r) => [r.day, r.net])).toEqual([
      ['2026-11-02', 130],
      ['2026-11-03', 7],
      ['2026-11-04', -42],
    ]);
    expect(totals).toEqual({
      accrued: 157,
      accruals: 3,
      reversed: 20,
      reversals: 1,
      redeemed: 42,
      redemptions: 2,
      net: 95,
    });
    expect(dailyFlow([]).totals.net).toBe(0);
  });

  it('takes the last days up to today in Asia/Shanghai', () => {
    // 16:30 UTC on 30 Nov is already 1 Dec in Shanghai.
    expect(lastDays(new Date('2026-11-30T16:30:00Z'), 30)).toEqual({ from: '2026-11-02', to: '2026-12-01' });
    expect(lastDays(new Date('2026-03-01T03:00:00Z'), 1)).toEqual({ from: '2026-03-01', to: '2026-03-01' });
  });
});
