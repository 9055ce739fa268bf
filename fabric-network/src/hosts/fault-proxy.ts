/**
 * A TCP forwarder with faults, for the links between organisations of the separate-hosts topology (this kernel has
 * no netem qdisc). Each route listens on one address and forwards to another; faults apply to routes marked
 * `faulty` only: a delay on every chunk in both directions (order kept), a share of new connections refused with a
 * reset, and connections reset after a random lifetime.
 */
import { type Server, type Socket, connect, createServer } from 'node:net';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface Route {
  readonly listen: Endpoint;
  readonly target: Endpoint;
  /** Faults apply to this route (the inter-organisation ones; never the management links). */
  readonly faulty: boolean;
}

export interface Faults {
  /** Added to every chunk, each direction. */
  readonly latencyMs: number;
  /** Up to this much more, uniformly. */
  readonly jitterMs: number;
  /** Share (0…1) of new connections reset at once. */
  readonly dropRate: number;
  /** Each connection is reset after a lifetime drawn from [min, max] ms; absent: never. */
  readonly resetAfterMs?: readonly [number, number];
}

export const NO_FAULTS: Faults = { latencyMs: 0, jitterMs: 0, dropRate: 0 };

export interface RouteStats {
  readonly listen: string;
  readonly target: string;
  readonly open: boolean;
  accepted: number;
  dropped: number;
  reset: number;
  failedUpstream: number;
}

/** Throws naming the field when `f` is not a valid set of faults. */
export function checkFaults(f: unknown): Faults {
  const o = f as Partial<Faults> | null;
  if (typeof o !== 'object' || o === null) throw new Error('faults: expected an object');
  const num = (name: keyof Faults, max: number): number => {
    const v = o[name] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max)
      throw new Error(`faults.${name} must be a number between 0 and ${max}`);
    return v;
  };
  const reset = o.resetAfterMs;
  if (reset !== undefined) {
    const ok =
      Array.isArray(reset) &&
      (reset as readonly unknown[]).length === 2 &&
      reset.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 10) &&
      reset[0] <= reset[1];
    if (!ok) throw new Error('faults.resetAfterMs must be [min, max] with 10 ≤ min ≤ max');
  }
  return {
    latencyMs: num('latencyMs', 60_000),
    jitterMs: num('jitterMs', 60_000),
    dropRate: num('dropRate', 1),
    ...(reset ? { resetAfterMs: [reset[0], reset[1]] as const } : {}),
  };
}

const PROBE_MS = 300;

/** One forwarding route: opens its listener once the target first accepts a connection (see docs/topologies.md). */
class Forwarder {
  readonly stats: RouteStats;
  #server: Server | undefined;
  #closed = false;
  #probe: NodeJS.Timeout | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(
    readonly route: Route,
    private readonly faults: () => Faults,
    private readonly random: () => number,
  ) {
    this.stats = {
      listen: `${route.listen.host}:${route.listen.port}`,
      target: `${route.target.host}:${route.target.port}`,
      open: false,
      accepted: 0,
      dropped: 0,
      reset: 0,
      failedUpstream: 0,
    };
  }

  start(gate: boolean): void {
    if (!gate) {
      this.#listen();
      return;
    }
    const attempt = (): void => {
      if (this.#closed) return;
      const s = connect(this.route.target);
      s.once('connect', () => {
        s.destroy();
        this.#listen();
      });
      s.once('error', () => {
        s.destroy();
        this.#probe = setTimeout(attempt, PROBE_MS);
      });
    };
    attempt();
  }

  #listen(): void {
    if (this.#closed) return;
    const server = createServer((client) => {
      this.#accept(client);
    });
    server.on('error', () => {
      // Port held by something else (a node of this very namespace, say): try again later.
      server.close();
      this.#server = undefined;
      (this.stats as { open: boolean }).open = false;
      this.#probe = setTimeout(() => {
        this.#listen();
      }, PROBE_MS * 3);
    });
    server.listen({ host: this.route.listen.host, port: this.route.listen.port, exclusive: true }, () => {
      (this.stats as { open: boolean }).open = true;
    });
    this.#server = server;
  }

  #accept(client: Socket): void {
    this.stats.accepted++;
    const f = this.route.faulty ? this.faults() : NO_FAULTS;
    if (f.dropRate > 0 && this.random() < f.dropRate) {
      this.stats.dropped++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.route.target);
    this.#sockets.add(client).add(upstream);
    let timer: NodeJS.Timeout | undefined;
    const end = (): void => {
      if (timer) clearTimeout(timer);
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.once('close', end);
    upstream.once('close', end);
    // `on`, not `once`: a reset socket may report more than one error, and an unhandled one ends the process.
    upstream.on('error', () => {
      if (!client.destroyed) this.stats.failedUpstream++;
      client.destroy();
    });
    client.on('error', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.once('close', () => upstream.destroy());
    pipeDelayed(client, upstream, f, this.random);
    pipeDelayed(upstream, client, f, this.random);
    if (f.resetAfterMs) {
      const [min, max] = f.resetAfterMs;
      timer = setTimeout(
        () => {
          this.stats.reset++;
          client.resetAndDestroy();
          upstream.resetAndDestroy();
        },
        min + this.random() * (max - min),
      );
    }
  }

  /** Resets every open connection (new faults then apply to all of them, as they reconnect). */
  resetAll(): void {
    for (const s of this.#sockets) s.resetAndDestroy();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#probe) clearTimeout(this.#probe);
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    if (server)
      await new Promise<void>((r) => {
        server.close(() => {
          r();
        });
      });
  }
}

/** Copies `from` to `to`; with a latency, each chunk is written after its delay and never before an earlier one. */
function pipeDelayed(from: Socket, to: Socket, f: Faults, random: () => number): void {
  if (f.latencyMs === 0 && f.jitterMs === 0) {
    from.pipe(to);
    return;
  }
  let last = 0;
  from.on('data', (chunk: Buffer) => {
    const at = Math.max(last, Date.now() + f.latencyMs + random() * f.jitterMs);
    last = at;
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, at - Date.now());
  });
  from.once('end', () => {
    setTimeout(
      () => {
        if (!to.destroyed) to.end();
      },
      Math.max(0, last - Date.now()),
    );
  });
}

/** Every route of one namespace. Faults can change at run time; they apply to connections accepted afterwards. */
export class FaultProxy {
  #faults: Faults = NO_FAULTS;
  readonly #forwarders: Forwarder[];

  constructor(routes: readonly Route[], random: () => number = Math.random) {
    this.#forwarders = routes.map((r) => new Forwarder(r, () => this.#faults, random));
  }

  /** `gate`: open each listener only once its target first answers. */
  start(gate = true): void {
    for (const f of this.#forwarders) f.start(gate);
  }

  /** New faults for the faulty routes; their open connections are reset so that the faults reach them too. */
  setFaults(f: Faults): void {
    this.#faults = checkFaults(f);
    for (const fw of this.#forwarders) if (fw.route.faulty) fw.resetAll();
  }

  faults(): Faults {
    return this.#faults;
  }

  stats(): RouteStats[] {
    return this.#forwarders.map((f) => f.stats);
  }

  async close(): Promise<void> {
    await Promise.all(this.#forwarders.map((f) => f.close()));
  }
}
