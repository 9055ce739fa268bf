/**
 * What a config update changes and which policies must therefore be satisfied. Follows the
 * orderer's rules: an element of the write set whose version differs from the read set is
 * modified; a modified element that exists is governed by its own mod_policy (relative to
 * itself for a group, to its group for a value or policy); a new element is covered by the
 * modification of its parent group.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConfigGroup, ConfigUpdate } from './config-types';

interface Item {
  readonly kind: 'group' | 'value' | 'policy';
  /** Path of the group itself (group) or of the group that holds the element. */
  readonly groupPath: readonly string[];
  readonly name: string;
  readonly version: string;
  readonly modPolicy: string;
}

function keyOf(item: Pick<Item, 'kind' | 'groupPath' | 'name'>): string {
  const path = item.kind === 'group' ? item.groupPath : [...item.groupPath, item.name];
  return `${item.kind} /${path.join('/')}`;
}

function flatten(g: ConfigGroup, groupPath: readonly string[], out: Map<string, Item>): Map<string, Item> {
  const self: Item = {
    kind: 'group',
    groupPath,
    name: groupPath[groupPath.length - 1] ?? '',
    version: g.version,
    modPolicy: g.mod_policy,
  };
  out.set(keyOf(self), self);
  for (const [name, v] of Object.entries(g.values)) {
    const item: Item = { kind: 'value', groupPath, name, version: v.version, modPolicy: v.mod_policy };
    out.set(keyOf(item), item);
  }
  for (const [name, p] of Object.entries(g.policies)) {
    const item: Item = { kind: 'policy', groupPath, name, version: p.version, modPolicy: p.mod_policy };
    out.set(keyOf(item), item);
  }
  for (const [name, sub] of Object.entries(g.groups)) flatten(sub, [...groupPath, name], out);
  return out;
}

/** Absolute path of the policy that governs changes to `item`. */
export function governingPolicy(item: Pick<Item, 'groupPath' | 'modPolicy'>): string {
  if (item.modPolicy.startsWith('/')) return item.modPolicy;
  return `/${[...item.groupPath, item.modPolicy].join('/')}`;
}

export interface UpdateAnalysis {
  /** Elements the update modifies, e.g. `group /Channel/Application`. */
  readonly modified: readonly string[];
  /** Elements the update creates. */
  readonly added: readonly string[];
  /** Every policy that must be satisfied, each with the elements it governs. */
  readonly policies: readonly { policy: string; elements: string[] }[];
  /** Elements whose version in the channel no longer matches the update (it was computed on an older config). */
  readonly stale: readonly string[];
}

/** Compares an update with the current channel config (both decoded). */
export function analyzeUpdate(current: ConfigGroup, update: ConfigUpdate): UpdateAnalysis {
  const now = flatten(current, ['Channel'], new Map());
  const read = flatten(update.read_set, ['Channel'], new Map());
  const write = flatten(update.write_set, ['Channel'], new Map());
  const stale: string[] = [];
  for (const [key, r] of read) {
    const existing = now.get(key);
    if (!existing || existing.version !== r.version) stale.push(key);
  }
  const modified: string[] = [];
  const added: string[] = [];
  const policies = new Map<string, string[]>();
  for (const [key, w] of write) {
    if (read.get(key)?.version === w.version) continue;
    const existing = now.get(key);
    if (!existing) {
      added.push(key);
      continue;
    }
    if (Number(w.version) !== Number(existing.version) + 1) stale.push(key);
    modified.push(key);
    const policy = governingPolicy(existing);
    policies.set(policy, [...(policies.get(policy) ?? []), key]);
  }
  return {
    modified,
    added,
    policies: [...policies.entries()].map(([policy, elements]) => ({ policy, elements })),
    stale: [...new Set(stale)],
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Paths of the leaves that differ between two JSON values (objects are descended into). */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (!isObject(before) || !isObject(after)) return [prefix || '.'];
  return names(before, after).flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
}

function short(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length <= 100 ? text : `${text.slice(0, 97)}...`;
}

function names(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function delta(before: unknown, after: unknown): string {
  const whole = `${short(before)} -> ${short(after)}`;
  return whole.includes('...') ? `changed ${changedPaths(before, after).join(', ')}` : whole;
}

/** Differences between two maps of values or policies (compared by their content). */
function describeEntries(
  what: 'value' | 'policy',
  path: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): string[] {
  const out: string[] = [];
  for (const name of names(before, after)) {
    const b = before[name];
    const a = after[name];
    if (b === undefined) out.push(`added ${what} ${path}/${name}: ${short(a)}`);
    else if (a === undefined) out.push(`removed ${what} ${path}/${name}`);
    else if (!isDeepStrictEqual(a, b)) out.push(`changed ${what} ${path}/${name}: ${delta(b, a)}`);
  }
  return out;
}

function contents<T>(m: Record<string, T>, pick: (x: T) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, pick(v)]));
}

/** Human-readable list of differences between two decoded channel groups. */
export function describeChanges(before: ConfigGroup, after: ConfigGroup, path = 'Channel'): string[] {
  const out: string[] = [];
  for (const name of names(before.groups, after.groups)) {
    const b = before.groups[name];
    const a = after.groups[name];
    if (!b) out.push(`added group ${path}/${name}`);
    else if (!a) out.push(`removed group ${path}/${name}`);
    else out.push(...describeChanges(b, a, `${path}/${name}`));
  }
  out.push(
    ...describeEntries(
      'value',
      path,
      contents(before.values, (v) => v.value),
      contents(after.values, (v) => v.value),
    ),
    ...describeEntries(
      'policy',
      path,
      contents(before.policies, (p) => p.policy),
      contents(after.policies, (p) => p.policy),
    ),
  );
  return out;
}
