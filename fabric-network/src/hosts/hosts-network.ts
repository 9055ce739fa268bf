/**
 * A mallchain network whose organisations run on separate hosts — one network namespace each — on one machine:
 * three malls, majority endorsement, a fault proxy on every link between organisations. See docs/topologies.md.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { NetworkError } from '../errors';
import { sleep } from '../exec';
import { ensureFabric } from '../fabric';
import { Network } from '../network';
import { REPO_ROOT } from '../paths';
import { runningPid, setPlacement, startProcess, stopProcess } from '../processes';
import type { Progress } from '../progress';
import { type NetworkSettings, readState, writeState } from '../settings';
import { topology } from '../topology';
import type { Faults, RouteStats } from './fault-proxy';
import { createHosts, ensureIproute, inNamespace, setLink, sweep } from './netns';
import { type HostOrg, type HostsPlan, hostsPlan, middlewarePort, namespaceRoutes, rootRoutes } from './plan';
import { placeInHosts } from './placement';
import type { ProxyConfig } from './proxy-main';

export const HOSTS_MALLS = ['A', 'B', 'C'] as const;
/** The built proxy (tests run this module from its TypeScript source, the proxy always runs built). */
const PROXY_MAIN = join(REPO_ROOT, 'fabric-network', 'dist', 'hosts', 'proxy-main.js');

export class HostsNetwork {
  readonly network: Network;
  readonly plan: HostsPlan;

  constructor(
    readonly settings: NetworkSettings,
    private readonly progress: Progress,
  ) {
    this.network = new Network(settings, progress);
    this.plan = hostsPlan(topology(settings.profile, settings.portBase, HOSTS_MALLS.length));
  }

  /**
   * Sweeps leftovers, builds namespaces and links, starts the proxies and the network in them. When a start fails,
   * everything it made is removed again (processes, namespaces, links; the data stays for its logs).
   */
  async up(): Promise<void> {
    await ensureIproute(this.progress);
    const wasRunning = this.network.isRunning();
    try {
      await this.start(wasRunning);
    } catch (e) {
      if (!wasRunning) {
        this.progress('start failed: removing processes, namespaces and links (data and logs kept)');
        await this.down(false).catch(() => undefined);
      }
      throw e;
    }
  }

  private async start(wasRunning: boolean): Promise<void> {
    if (!wasRunning) {
      const swept = await sweep();
      if (swept.length > 0) this.progress(`removed leftovers of an earlier run: ${swept.join(', ')}`);
      await this.network.down(false);
      await createHosts(this.plan);
      this.progress(`namespaces ${this.plan.orgs.map((o) => `${o.ns} (${o.address})`).join(', ')} on bridge`);
    }
    await this.recordThreeMalls();
    this.startProxies();
    await this.waitProxies();
    setPlacement((spec) => placeInHosts(this.plan, spec));
    try {
      await this.network.up();
    } finally {
      setPlacement();
    }
  }

  /** Stops every process (proxies included), then deletes namespaces, links and the bridge. */
  async down(purge: boolean): Promise<string[]> {
    const stopped = await this.network.down(purge);
    for (const name of this.proxyNames()) if (await stopProcess(this.network.paths.pid(name))) stopped.push(name);
    await sweep();
    return stopped;
  }

  /** The organisation of a mall letter (`A`) or `ord`. */
  org(key: string): HostOrg {
    const o = this.plan.orgs.find((x) => x.key === key.toLowerCase());
    if (!o) throw new NetworkError(`no organisation ${key} in the separate-hosts topology`);
    return o;
  }

  /** Drops the organisation's link to the bridge: it is cut off the others (not off the operator host). */
  async cut(key: string): Promise<void> {
    await setLink(this.org(key), false);
  }

  async heal(key: string): Promise<void> {
    await setLink(this.org(key), true);
  }

  /** Sets the same faults on the inter-organisation routes of every namespace's proxy. */
  async setFaults(f: Faults): Promise<void> {
    for (const o of this.plan.orgs) await control(this.controlSocket(o.ns), 'PUT', '/faults', f);
  }

  async proxyStats(): Promise<Record<string, RouteStats[]>> {
    const out: Record<string, RouteStats[]> = {};
    for (const o of this.plan.orgs)
      out[o.ns] = (await control(this.controlSocket(o.ns), 'GET', '/stats')) as RouteStats[];
    return out;
  }

  /** Command and arguments that run a process in mall `key`'s namespace (for its middleware). */
  inMall(key: string, command: string, args: readonly string[]): [string, string[]] {
    return inNamespace(this.org(key).ns, command, args);
  }

  /** Port of the middleware of mall `key` (its namespace listens on it; the operator host forwards it). */
  middlewarePort(key: string): number {
    return middlewarePort(this.settings.portBase, HOSTS_MALLS.indexOf(key.toUpperCase() as never));
  }

  private proxyNames(): string[] {
    return ['proxy-root', ...this.plan.orgs.map((o) => `proxy-${o.ns}`)];
  }

  private controlSocket(ns: string): string {
    return join(this.network.paths.run, `proxy-${ns}.sock`);
  }

  /** A first start records three malls (the network's own default is two). */
  private async recordThreeMalls(): Promise<void> {
    const paths = this.network.paths;
    if (readState(paths)) return;
    const tools = await ensureFabric(this.progress);
    mkdirSync(paths.home, { recursive: true });
    writeState(paths, {
      profile: this.settings.profile,
      portBase: this.settings.portBase,
      channel: this.settings.channel,
      fabricVersion: tools.version,
      malls: [...HOSTS_MALLS],
    });
  }

  private startProxies(): void {
    const paths = this.network.paths;
    if (!existsSync(PROXY_MAIN))
      throw new NetworkError(`the fault proxy is not built (${PROXY_MAIN})`, { hint: 'run `npm run build`' });
    mkdirSync(join(paths.home, 'config'), { recursive: true });
    const start = (name: string, ns: string | undefined, routes: ProxyConfig['routes']): void => {
      const file = join(paths.home, 'config', `${name}.json`);
      const config: ProxyConfig = { name, control: this.controlSocket(ns ?? 'root'), routes };
      writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
      const [command, args] = ns
        ? inNamespace(ns, process.execPath, [PROXY_MAIN, file])
        : [process.execPath, [PROXY_MAIN, file]];
      const r = startProcess({
        name,
        command,
        args,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        pidFile: paths.pid(name),
        logFile: paths.log(name),
      });
      if (r.started) this.progress(`started ${name} (pid ${r.pid}, ${routes.length} routes)`);
    };
    start('proxy-root', undefined, rootRoutes(this.plan));
    for (const o of this.plan.orgs) start(`proxy-${o.ns}`, o.ns, namespaceRoutes(this.plan, o));
  }

  /** Waits until every proxy's control socket answers. */
  async waitProxies(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (const o of this.plan.orgs) {
      while (!existsSync(this.controlSocket(o.ns))) {
        if (Date.now() > until) throw new NetworkError(`proxy of ${o.ns} has no control socket`);
        if (runningPid(this.network.paths.pid(`proxy-${o.ns}`)) === undefined)
          throw new NetworkError(`proxy of ${o.ns} is not running`, { log: this.network.paths.log(`proxy-${o.ns}`) });
        await sleep(100);
      }
    }
  }
}

function control(socketPath: string, method: string, path: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const value = JSON.parse(text) as unknown;
        if (res.statusCode === 200) resolve(value);
        else reject(new NetworkError(`proxy ${socketPath}: ${(value as { message?: string }).message ?? text}`));
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
