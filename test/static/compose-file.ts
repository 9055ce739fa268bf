import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

/** Repository root (test/static → two levels up). */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const COMPOSE_FILE = resolve(REPO_ROOT, 'docker-compose.yml');

/** The parts of a Compose service the checks read; everything else passes through untouched. */
export interface ComposeService {
  image?: string;
  build?: string | { context: string; dockerfile?: string; args?: Record<string, string> };
  profiles?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { host_ip?: string; published?: number; target?: number })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  [key: string]: unknown;
}

export interface ComposeDoc {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Parses Compose YAML as Compose does: anchors, aliases and `<<` merge keys resolved. */
export function parseCompose(text: string): ComposeDoc {
  return parse(text, { merge: true, maxAliasCount: -1 }) as ComposeDoc;
}

export function loadCompose(file = COMPOSE_FILE): ComposeDoc {
  return parseCompose(readFileSync(file, 'utf8'));
}

/** A deep copy to break on purpose in tests. */
export function copyOf(doc: ComposeDoc): ComposeDoc {
  return structuredClone(doc);
}

/**
 * The value Compose uses when no variable is set: `${VAR:-default}` and `${VAR-default}`
 * become `default`, `${VAR}` becomes the empty string.
 */
export function withDefaults(value: string): string {
  return value.replace(
    /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g,
    (_m, fallback: string | undefined) => fallback ?? '',
  );
}

/** A service's environment as a map, variables replaced by their defaults. */
export function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  const entries: [string, string][] = Array.isArray(env)
    ? env.map((line): [string, string] => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(env).map(([k, v]): [string, string] => [k, v === null ? '' : String(v)]);
  return Object.fromEntries(entries.map(([k, v]) => [k, withDefaults(v)]));
}

export interface PublishedPort {
  readonly service: string;
  readonly hostIp: string | undefined;
  readonly published: number | undefined;
  readonly target: number;
  readonly raw: string;
}

const SHORT_PORT =
  /^(?:(?<ip>\[[0-9a-fA-F:]+\]|\d+\.\d+\.\d+\.\d+):)?(?:(?<published>\d+):)?(?<target>\d+)(?:\/(?:tcp|udp|sctp))?$/;

/** Ports of one service in a uniform shape (short or long syntax; ranges are not used here). */
export function portsOf(name: string, service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'number')
      return { service: name, hostIp: undefined, published: undefined, target: p, raw: String(p) };
    if (typeof p === 'object') {
      return {
        service: name,
        hostIp: p.host_ip,
        published: p.published,
        target: p.target ?? Number.NaN,
        raw: JSON.stringify(p),
      };
    }
    const m = SHORT_PORT.exec(withDefaults(p));
    if (!m?.groups) return { service: name, hostIp: undefined, published: undefined, target: Number.NaN, raw: p };
    const { ip, published, target } = m.groups;
    return {
      service: name,
      hostIp: ip,
      published: published === undefined ? undefined : Number(published),
      target: Number(target),
      raw: p,
    };
  });
}

/** Services Compose starts when the given profiles are active (none = only unprofiled services). */
export function activeServices(doc: ComposeDoc, profiles: readonly string[] = []): string[] {
  return Object.entries(doc.services)
    .filter(([, s]) => !s.profiles || s.profiles.some((p) => profiles.includes(p)))
    .map(([name]) => name);
}

export interface Mount {
  readonly service: string;
  readonly source: string;
  readonly target: string;
  readonly bind: boolean;
}

/** Volume entries of a service: bind mounts (a path source) and named volumes. */
export function mountsOf(name: string, service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((v) => {
    if (typeof v === 'object')
      return { service: name, source: v.source ?? '', target: v.target, bind: v.type === 'bind' };
    const [source = '', target = ''] = v.split(':');
    return { service: name, source, target, bind: /^[./~]/.test(source) };
  });
}

export function dependenciesOf(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v.condition]));
}
