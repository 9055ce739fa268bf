import { checkSiteTree, type SiteRow } from './site-tree';
import { validateTrafficPush } from './traffic.validator';

const row = (siteKey: string, parentSiteKey: string | null): SiteRow => ({
  siteKey,
  siteName: siteKey,
  siteType: 500,
  parentSiteKey,
});
const records = (...sites: [string, string | undefined][]): ReturnType<typeof validateTrafficPush>['records'] =>
  validateTrafficPush(
    {
      customerId: 'M',
      records: sites.map(([siteKey, parentSiteKey]) => ({
        siteKey,
        siteName: siteKey,
        siteType: 500,
        ...(parentSiteKey === undefined ? {} : { parentSiteKey }),
        dataTime: '2026-03-01 10:00:00',
        interval: 'H',
        inNum: 1,
        outNum: 1,
        modifyTime: '2026-03-01 10:30:00',
      })),
    },
    Date.parse('2026-03-02T00:00:00Z'),
  ).records;

describe('site tree check', () => {
  const known = new Map([
    ['A', row('A', null)],
    ['B', row('B', 'A')],
  ]);

  it('takes parents that are stored or in the same request, and upserts only new or changed sites', () => {
    const r = checkSiteTree(records(['C', 'B'], ['D', 'C'], ['B', undefined]), known);
    expect([...r.rejected]).toEqual([]);
    expect(r.upserts.map((s) => [s.siteKey, s.parentSiteKey])).toEqual([
      ['C', 'B'],
      ['D', 'C'],
    ]);
  });

  it('refuses an unknown parent by name, and the children of a refused site', () => {
    const r = checkSiteTree(records(['C', 'X'], ['D', 'C'], ['E', 'A']), known);
    expect(r.rejected.get(0)).toBe('parentSiteKey X is neither a known site nor a siteKey in this request');
    expect(r.rejected.get(1)).toBe("parentSiteKey C: that site's records are refused in this request");
    expect(r.rejected.has(2)).toBe(false);
    expect(r.upserts.map((s) => s.siteKey)).toEqual(['E']);
  });

  it('refuses a loop through stored sites, inside one request, and two parents for one site', () => {
    expect(checkSiteTree(records(['A', 'B']), known).rejected.get(0)).toBe(
      'parentSiteKey B would make a cycle: A > B > A',
    );
    const pair = checkSiteTree(records(['X', 'Y'], ['Y', 'X']), known);
    expect(pair.rejected.size).toBe(2);
    const two = checkSiteTree(records(['C', 'A'], ['C', 'B']), known);
    expect(two.rejected.get(1)).toBe('site C is given two parents in this request (A, B)');
  });
});
