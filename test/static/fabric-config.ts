import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { channelProfile } from '../../fabric-network/src/configtx';
import { NetworkPaths } from '../../fabric-network/src/paths';
import { type Topology } from '../../fabric-network/src/topology';
import { REPO_ROOT } from './compose-file';

export const DOCKER_FABRIC = join(REPO_ROOT, 'docker', 'fabric');
/** Where the compose services mount the fabric volume (crypto/, artifacts/, network.json). */
export const CONTAINER_ROOT = '/var/mallchain';

export function loadYaml(file: string): Record<string, unknown> {
  return parse(readFileSync(file, 'utf8'), { merge: true }) as Record<string, unknown>;
}

/** Host name of the node listening on `port`: natively every node is 127.0.0.1, in compose each has its own. */
function hostByPort(t: Topology): Map<number, string> {
  return new Map<number, string>([
    ...t.orderers.map((o): [number, string] => [o.port, o.host]),
    ...t.malls.map((m): [number, string] => [m.peer.port, m.peer.host]),
  ]);
}

/** Rewrites 127.0.0.1 addresses of a native structure into the compose host names. */
function toServiceNames(value: unknown, hosts: Map<number, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => toServiceNames(v, hosts));
  if (typeof value === 'string') {
    return value.replace(/^127\.0\.0\.1:(\d+)$/, (whole, port: string) => {
      const host = hosts.get(Number(port));
      return host ? `${host}:${port}` : whole;
    });
  }
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, toServiceNames(v, hosts)]));
  if (o.Host === '127.0.0.1' && typeof o.Port === 'number') out.Host = hosts.get(o.Port) ?? o.Host;
  return out;
}

/** The native channel profile as it must read inside the containers (same paths under /var/mallchain). */
export function expectedProfile(t: Topology, fabricVersion = '3.1.1'): unknown {
  const native = channelProfile(
    { version: fabricVersion, binDir: '', configDir: '', bin: () => '' },
    new NetworkPaths(CONTAINER_ROOT),
    t,
  );
  return toServiceNames(native, hostByPort(t));
}

/** Paths (a.b[2].c) where two plain values differ; empty when they are equal. */
export function differences(actual: unknown, expected: unknown, path = ''): string[] {
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual) || expected.length !== actual.length) {
      return [`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`];
    }
    return expected.flatMap((e, i) => differences(actual[i], e, `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(e)])].sort();
    return keys.flatMap((k) => differences(a[k], e[k], path ? `${path}.${k}` : k));
  }
  return Object.is(actual, expected) ? [] : [`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`];
}

/** Evaluates a shell expression with docker/fabric/lib.sh loaded, as the setup scripts see it. */
export function libSh(expression: string, env: Record<string, string> = {}): string {
  return execFileSync('bash', ['-c', `. "${join(DOCKER_FABRIC, 'lib.sh')}"; ${expression}`], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
    // Bash reads ~/.bashrc when its stdin is a socket (as under a jest worker): give it none.
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** The pseudo-version install-fabric.sh pins for a Fabric release (the native build). */
export function nativePseudoVersion(release: string): string {
  const script = readFileSync(join(REPO_ROOT, 'fabric-network', 'scripts', 'install-fabric.sh'), 'utf8');
  const m = new RegExp(`\\[${release.replace(/\./g, '\\.')}\\]='([^']+)'`).exec(script);
  if (!m?.[1]) throw new Error(`install-fabric.sh pins no pseudo-version for ${release}`);
  return m[1];
}
