/** Network namespaces, veth pairs and the bridge of the separate-hosts topology (iproute2, as root). */
import { existsSync } from 'node:fs';
import { NetworkError } from '../errors';
import { run } from '../exec';
import { BRIDGE, PREFIX, type HostsPlan, type HostOrg } from './plan';

const IP = '/usr/sbin/ip';

function ip(...args: string[]): Promise<{ stdout: string }> {
  return run(ipBinary(), args, { timeoutMs: 30_000 });
}

function ipBinary(): string {
  return existsSync(IP) ? IP : 'ip';
}

/** Root and iproute2 are needed; `ip` missing is installed with apt-get (Debian/Ubuntu), as the project's setup. */
export async function ensureIproute(progress: (m: string) => void): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new NetworkError('the separate-hosts topology needs root (network namespaces, veth links)');
  try {
    await run(ipBinary(), ['-V']);
  } catch {
    progress('iproute2 missing: apt-get install -y iproute2');
    await run('apt-get', ['update'], { timeoutMs: 300_000 });
    await run('apt-get', ['install', '-y', 'iproute2'], {
      timeoutMs: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
}

/** Names of namespaces and links left by an earlier run (prefix `mcf-`). */
export async function leftovers(): Promise<{ namespaces: string[]; links: string[] }> {
  const ns = (await ip('netns', 'list')).stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(PREFIX));
  const links = (await ip('-o', 'link', 'show')).stdout
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? '')
    .filter((n) => n.startsWith(PREFIX));
  return { namespaces: ns, links };
}

/** Kills every process inside the `mcf-` namespaces and deletes them, their links and the bridge. */
export async function sweep(): Promise<string[]> {
  const { namespaces, links } = await leftovers();
  for (const ns of namespaces) {
    const pids = (await ip('netns', 'pids', ns)).stdout.split('\n').filter((l) => /^\d+$/.test(l.trim()));
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await ip('netns', 'delete', ns).catch(() => undefined);
  }
  // Deleting a namespace deletes the veth ends inside it and so their root-side peers; what remains is the bridge.
  for (const link of links) await ip('link', 'delete', link).catch(() => undefined);
  return [...namespaces, ...links];
}

async function createOrg(o: HostOrg): Promise<void> {
  await ip('netns', 'add', o.ns);
  await ip('-n', o.ns, 'link', 'set', 'lo', 'up');
  // Inter-organisation link: namespace side eth0 on the bridge.
  await ip('link', 'add', o.link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', o.ns);
  await ip('link', 'set', o.link, 'master', BRIDGE);
  await ip('link', 'set', o.link, 'up');
  await ip('-n', o.ns, 'addr', 'add', `${o.address}/24`, 'dev', 'eth0');
  await ip('-n', o.ns, 'link', 'set', 'eth0', 'up');
  // Management link to the operator host.
  await ip('link', 'add', o.mgmt, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', o.ns);
  await ip('addr', 'add', `${o.mgmtRoot}/30`, 'dev', o.mgmt);
  await ip('link', 'set', o.mgmt, 'up');
  await ip('-n', o.ns, 'addr', 'add', `${o.mgmtNs}/30`, 'dev', 'mgmt0');
  await ip('-n', o.ns, 'link', 'set', 'mgmt0', 'up');
}

/** The bridge and, per organisation, its namespace and two links. */
export async function createHosts(plan: HostsPlan): Promise<void> {
  await ip('link', 'add', BRIDGE, 'type', 'bridge');
  await ip('link', 'set', BRIDGE, 'up');
  for (const o of plan.orgs) await createOrg(o);
}

/** Cuts (`up = false`) or heals an organisation's link to the bridge: the other organisations lose it, the
 *  operator host does not. */
export async function setLink(o: HostOrg, up: boolean): Promise<void> {
  await ip('link', 'set', o.link, up ? 'up' : 'down');
}

/** Command and arguments that run `command` inside namespace `ns`. */
export function inNamespace(ns: string, command: string, args: readonly string[]): [string, string[]] {
  return [ipBinary(), ['netns', 'exec', ns, command, ...args]];
}
