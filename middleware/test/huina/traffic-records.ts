/** Huina records for tests: a mall › floor › entrance tree. */
export interface Rec {
  siteKey: string;
  siteName: string;
  siteType: number;
  parentSiteKey?: string;
  dataTime: string;
  interval: string | number;
  inNum: number;
  outNum: number;
  throughNum?: number;
  modifyTime: string;
  deviceHost?: string;
  channel?: string;
}

export function rec(over: Partial<Rec> = {}): Rec {
  return {
    siteKey: 'A-F1-N',
    siteName: 'North gate',
    siteType: 700,
    parentSiteKey: 'A-F1',
    dataTime: '2026-11-30 10:00:00',
    interval: '15',
    inNum: 10,
    outNum: 8,
    modifyTime: '2026-11-30 10:15:00',
    ...over,
  };
}

/** The mall and its floor, as records of their own (so a push names every parent). */
export const TREE: Rec[] = [
  rec({ siteKey: 'A', siteName: 'Mall A', siteType: 300, parentSiteKey: undefined, inNum: 0, outNum: 0 }),
  rec({ siteKey: 'A-F1', siteName: 'Floor 1', siteType: 500, parentSiteKey: 'A', inNum: 0, outNum: 0 }),
];

export function push(records: Rec[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { customerId: 'MALLA', records, ...extra };
}
