import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { deploy, putNoteEndorsedByAll, queryCommitted } from './chaincode';
import { ChaincodeDefinition, readDefinition, serverProcessName, serversOf } from './chaincode-definition';
import { CHAINCODE_DIR, sourceDigest, sourceVersion, startServer, stopServer } from './chaincode-server';
import { joinOrderer, joinPeer, peerHeight } from './channel';
import { createGenesisBlock } from './configtx';
import { NetworkContext } from './context';
import { ensureCrypto } from './crypto';
import { describe, writeDescription } from './description';
import { NetworkError } from './errors';
import { FabricTools, ensureFabric } from './fabric';
import { ordererEnv, peerEnv } from './nodes';
import { NetworkPaths } from './paths';
import { waitGatewayReady } from './readiness';
import { assertPortsFree, runningPid, startProcess, stopProcess, waitForPort } from './processes';
import { Progress } from './progress';
import { NetworkSettings, NetworkState, checkNotStale, readState, writeState } from './settings';
import { MALL_LETTERS, Topology, listeningPorts, mallOrg, topology } from './topology';

/** A network as described by settings and (once started) its recorded state. */
export class Network {
  readonly paths: NetworkPaths;

  constructor(
    readonly settings: NetworkSettings,
    private readonly progress: Progress,
  ) {
    this.paths = new NetworkPaths(settings.home);
  }

  /** Topology including malls added after the first start. */
  topology(state?: NetworkState): Topology {
    const t = topology(this.settings.profile, this.settings.portBase);
    if (!state) return t;
    return {
      ...t,
      malls: state.malls.map((letter) =>
        mallOrg(letter, MALL_LETTERS.indexOf(letter as never), this.settings.portBase),
      ),
    };
  }

  /**
   * Starts everything that is not running yet and deploys the chaincode version in
   * chaincode/package.json; ready when a first transaction has committed. Idempotent.
   */
  async up(): Promise<ChaincodeDefinition> {
    const tools = await ensureFabric(this.progress);
    const previous = checkNotStale(this.paths, this.settings, tools.version);
    const state: NetworkState = previous ?? {
      profile: this.settings.profile,
      portBase: this.settings.portBase,
      channel: this.settings.channel,
      fabricVersion: tools.version,
      malls: ['A', 'B'],
    };
    const ctx = this.context(tools, this.topology(state));
    const t = ctx.topology;
    await this.checkPorts(t);
    for (const dir of [this.paths.home, this.paths.logs, this.paths.run, this.paths.data])
      mkdirSync(dir, { recursive: true });
    writeState(this.paths, state);
    if (await ensureCrypto(tools, this.paths, t)) this.progress('generated crypto material (cryptogen, NodeOUs on)');
    const block = this.paths.channelBlock(ctx.channel);
    if (!existsSync(block)) {
      await createGenesisBlock(ctx);
      this.progress(`created genesis block of ${ctx.channel}`);
    }
    await this.startNodes(ctx);
    for (const o of t.orderers) {
      if (await joinOrderer(ctx, o, block)) this.progress(`${o.name} joined ${ctx.channel}`);
    }
    for (const m of t.malls) {
      if (await joinPeer(ctx, m, block)) this.progress(`${m.peer.host} joined ${ctx.channel}`);
    }
    const def = await this.ensureChaincode(ctx);
    await this.firstTransaction(ctx, def);
    writeDescription(this.paths, describe(ctx, def));
    this.progress(
      `ready: ${ctx.channel} with ${t.malls.map((m) => m.mspId).join(', ')}; description in ${this.paths.description}`,
    );
    return def;
  }

  /** The context of this network's channel for operations with `tools` on topology `t`. */
  private context(tools: FabricTools, t: Topology): NetworkContext {
    return { tools, paths: this.paths, topology: t, channel: this.settings.channel, progress: this.progress };
  }

  /** True when every orderer and peer of the recorded network has a live process. */
  isRunning(): boolean {
    const state = readState(this.paths);
    if (!state) return false;
    const t = this.topology(state);
    return [...t.orderers.map((o) => o.host), ...t.malls.map((m) => m.peer.host)].every(
      (n) => runningPid(this.paths.pid(n)) !== undefined,
    );
  }

  /** Stops every process this network started; `purge` also deletes its data directory. */
  async down(purge: boolean): Promise<string[]> {
    const stopped: string[] = [];
    if (existsSync(this.paths.run)) {
      // Clients first (middlewares), then chaincode servers, peers, orderers.
      const rank = ['middleware', 'chaincode', 'peer'];
      const order = (n: string): number => {
        const i = rank.findIndex((prefix) => n.startsWith(prefix));
        return i < 0 ? rank.length : i;
      };
      const names = readdirSync(this.paths.run)
        .filter((f) => f.endsWith('.pid'))
        .map((f) => f.slice(0, -4))
        .sort((a, b) => order(a) - order(b));
      for (const name of names) {
        if (await stopProcess(this.paths.pid(name))) stopped.push(name);
      }
    }
    if (purge) rmSync(this.paths.home, { recursive: true, force: true });
    return stopped;
  }

  private async checkPorts(t: Topology): Promise<void> {
    const ours = new Set<number>();
    for (const o of t.orderers)
      if (runningPid(this.paths.pid(o.host)) !== undefined)
        [o.port, o.adminPort, o.operationsPort].forEach((p) => ours.add(p));
    for (const m of t.malls) {
      if (runningPid(this.paths.pid(m.peer.host)) !== undefined)
        [m.peer.port, m.peer.chaincodePort, m.peer.operationsPort].forEach((p) => ours.add(p));
    }
    await assertPortsFree(listeningPorts(t).filter((p) => !ours.has(p.port)));
  }

  private async startNodes({ tools, topology: t }: NetworkContext): Promise<void> {
    for (const o of t.orderers) {
      mkdirSync(this.paths.ordererData(o), { recursive: true });
      const r = startProcess({
        name: o.host,
        command: tools.bin('orderer'),
        args: [],
        env: ordererEnv(tools, this.paths, o),
        pidFile: this.paths.pid(o.host),
        logFile: this.paths.log(o.host),
      });
      if (r.started)
        this.progress(`started ${o.host} (pid ${r.pid}) on 127.0.0.1:${o.port}, log ${this.paths.log(o.host)}`);
    }
    for (const m of t.malls) {
      mkdirSync(this.paths.peerData(m), { recursive: true });
      const r = startProcess({
        name: m.peer.host,
        command: tools.bin('peer'),
        args: ['node', 'start'],
        env: peerEnv(tools, this.paths, m),
        pidFile: this.paths.pid(m.peer.host),
        logFile: this.paths.log(m.peer.host),
      });
      if (r.started)
        this.progress(
          `started ${m.peer.host} (pid ${r.pid}) on 127.0.0.1:${m.peer.port}, log ${this.paths.log(m.peer.host)}`,
        );
    }
    for (const o of t.orderers) await waitForPort(o.adminPort, 30_000, o.host, this.paths.log(o.host));
    for (const m of t.malls) await waitForPort(m.peer.port, 30_000, m.peer.host, this.paths.log(m.peer.host));
  }

  /** Deploys when nothing is committed or the chaincode changed; else (re)starts its server. */
  private async ensureChaincode(ctx: NetworkContext): Promise<ChaincodeDefinition> {
    const first = ctx.topology.malls[0];
    if (!first) throw new NetworkError('no mall organisation in the network');
    if (!existsSync(CHAINCODE_DIR)) throw new NetworkError(`chaincode source not found at ${CHAINCODE_DIR}`);
    const name = this.settings.chaincodeName;
    const committed = await queryCommitted(ctx, first, name);
    const recorded = readDefinition(this.paths);
    const want = { name, version: sourceVersion(), codeDigest: sourceDigest() };
    if (recorded && isCurrent(committed, recorded, want)) {
      await startServer(this.paths, recorded);
      return recorded;
    }
    return this.upgrade(ctx, { ...want, sequence: (committed?.sequence ?? 0) + 1 }, recorded);
  }

  /** Deploys a new sequence; the old server keeps serving until the new definition is committed. */
  private async upgrade(
    ctx: NetworkContext,
    want: { name: string; version: string; codeDigest: string; sequence: number },
    previous: ChaincodeDefinition | undefined,
  ): Promise<ChaincodeDefinition> {
    if (want.sequence > 1) this.progress(`chaincode changed since sequence ${want.sequence - 1}: upgrading`);
    const def = await deploy(ctx, { ...want, signaturePolicy: previous?.signaturePolicy });
    if (previous && previous.sequence !== def.sequence) await stopServer(this.paths, previous.sequence);
    return def;
  }

  /** Ready means a transaction endorsed by every mall commits (gossip and discovery settle first). */
  private async firstTransaction(ctx: NetworkContext, def: ChaincodeDefinition): Promise<void> {
    const note = { id: 'readiness', text: `network up with ${def.label}` };
    await putNoteEndorsedByAll(ctx, def.name, note);
    for (const m of ctx.topology.malls) await waitGatewayReady(ctx, m, def.name, 60_000);
    this.progress("first transactions committed (info:PutNote endorsed by every mall, through each mall's gateway)");
  }

  /** Processes, channel heights and the committed chaincode, for `status`. */
  async status(): Promise<StatusReport> {
    const tools = await ensureFabric(() => undefined);
    const ctx = this.context(tools, this.topology(checkNotStale(this.paths, this.settings, tools.version)));
    const t = ctx.topology;
    const processes = [...t.orderers.map((o) => o.host), ...t.malls.map((m) => m.peer.host)].map((name) => ({
      name,
      pid: runningPid(this.paths.pid(name)) ?? null,
    }));
    const def = readDefinition(this.paths);
    if (def)
      for (const server of serversOf(def)) {
        const name = serverProcessName(def.sequence, server);
        processes.push({ name: `${name} (${server.address})`, pid: runningPid(this.paths.pid(name)) ?? null });
      }
    const heights: Record<string, number | string> = {};
    let committed: StatusReport['chaincode'] = null;
    for (const m of t.malls) {
      try {
        heights[m.peer.host] = await peerHeight(ctx, m);
        committed ??= (await queryCommitted(ctx, m, this.settings.chaincodeName)) ?? null;
      } catch (e) {
        heights[m.peer.host] = `unavailable (${(e as Error).message.split('\n')[0] ?? ''})`;
      }
    }
    return { home: this.paths.home, channel: this.settings.channel, processes, heights, chaincode: committed };
  }
}

/**
 * The committed definition is the one recorded here, for the same version and build, with one
 * server per mall (a record from before per-mall servers is upgraded to a new sequence).
 */
function isCurrent(
  committed: { sequence: number; version: string } | undefined,
  recorded: ChaincodeDefinition,
  want: { version: string; codeDigest: string },
): boolean {
  return (
    recorded.servers !== undefined &&
    committed?.sequence === recorded.sequence &&
    committed.version === want.version &&
    recorded.codeDigest === want.codeDigest
  );
}

export interface StatusReport {
  home: string;
  channel: string;
  processes: { name: string; pid: number | null }[];
  heights: Record<string, number | string>;
  chaincode: { sequence: number; version: string } | null;
}
