import type { TrafficRecord } from './traffic.validator';

/** A site as stored (the tree from `parentSiteKey`). */
export interface SiteRow {
  readonly siteKey: string;
  readonly siteName: string;
  readonly siteType: number;
  readonly parentSiteKey: string | null;
}

export interface TreeCheck {
  /** Record index → why it is refused. */
  readonly rejected: ReadonlyMap<number, string>;
  /** Sites to insert or update (new, renamed, re-typed or re-parented), from the records that pass. */
  readonly upserts: readonly SiteRow[];
}

/** Deeper than any real tree (group › mall › zone › floor › store › entrance is six). */
export const MAX_DEPTH = 16;

interface Declared {
  readonly row: SiteRow;
  /** Whether some record named the parent (absent means: keep the stored one). */
  readonly parentGiven: boolean;
  readonly indexes: number[];
  conflict?: string;
}

function declare(records: readonly TrafficRecord[], known: ReadonlyMap<string, SiteRow>): Map<string, Declared> {
  const out = new Map<string, Declared>();
  records.forEach((r, i) => {
    const d = out.get(r.siteKey);
    const parent = r.parentSiteKey ?? known.get(r.siteKey)?.parentSiteKey ?? null;
    if (!d) {
      const row = { siteKey: r.siteKey, siteName: r.siteName, siteType: r.siteType, parentSiteKey: parent };
      out.set(r.siteKey, { row, parentGiven: r.parentSiteKey !== undefined, indexes: [i] });
      return;
    }
    d.indexes.push(i);
    if (r.parentSiteKey !== undefined && d.parentGiven && r.parentSiteKey !== d.row.parentSiteKey)
      d.conflict = `site ${r.siteKey} is given two parents in this request (${d.row.parentSiteKey ?? ''}, ${r.parentSiteKey})`;
    else if (r.siteType !== d.row.siteType)
      d.conflict = `site ${r.siteKey} is given two siteTypes in this request (${d.row.siteType}, ${r.siteType})`;
  });
  return out;
}

/** The chain of parents from `key` up; `cycle` when it comes back to `key`. */
function ancestry(key: string, parentOf: (k: string) => string | null | undefined): { cycle: string[] | undefined } {
  const path = [key];
  let at = parentOf(key);
  for (let depth = 0; at !== null && at !== undefined && depth < MAX_DEPTH; depth++) {
    path.push(at);
    if (at === key) return { cycle: path };
    at = parentOf(at);
  }
  return { cycle: undefined };
}

function problemOf(
  d: Declared,
  sites: ReadonlyMap<string, Declared>,
  known: ReadonlyMap<string, SiteRow>,
  refused: ReadonlySet<string>,
): string | undefined {
  if (d.conflict !== undefined) return d.conflict;
  const parent = d.row.parentSiteKey;
  if (parent === null) return undefined;
  if (refused.has(parent)) return `parentSiteKey ${parent}: that site's records are refused in this request`;
  if (!known.has(parent) && !sites.has(parent))
    return `parentSiteKey ${parent} is neither a known site nor a siteKey in this request`;
  const parentOf = (k: string): string | null | undefined =>
    refused.has(k) ? known.get(k)?.parentSiteKey : (sites.get(k)?.row.parentSiteKey ?? known.get(k)?.parentSiteKey);
  const { cycle } = ancestry(d.row.siteKey, parentOf);
  return cycle ? `parentSiteKey ${parent} would make a cycle: ${cycle.join(' > ')}` : undefined;
}

function changed(row: SiteRow, stored: SiteRow | undefined): boolean {
  return (
    stored?.siteName !== row.siteName || stored.siteType !== row.siteType || stored.parentSiteKey !== row.parentSiteKey
  );
}

/**
 * Checks the site tree a push would leave: every parent is a stored site or a site of the same request, no site
 * gets two parents or types at once, and no parent chain loops. `known` holds the stored sites the request names
 * and all their ancestors. A refused site refuses its children in the request too.
 */
export function checkSiteTree(records: readonly TrafficRecord[], known: ReadonlyMap<string, SiteRow>): TreeCheck {
  const sites = declare(records, known);
  const refused = new Map<string, string>();
  for (let grew = true; grew;) {
    grew = false;
    for (const d of sites.values()) {
      if (refused.has(d.row.siteKey)) continue;
      const problem = problemOf(d, sites, known, new Set(refused.keys()));
      if (problem !== undefined) {
        refused.set(d.row.siteKey, problem);
        grew = true;
      }
    }
  }
  const rejected = new Map<number, string>();
  const upserts: SiteRow[] = [];
  for (const d of sites.values()) {
    const why = refused.get(d.row.siteKey);
    if (why !== undefined) for (const i of d.indexes) rejected.set(i, why);
    else if (changed(d.row, known.get(d.row.siteKey))) upserts.push(d.row);
  }
  return { rejected, upserts };
}
