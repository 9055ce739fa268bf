import { uniqueId } from '../../ledger/network';

/**
 * A point-of-sale stand-in for fault tests: pushes notes to one or more middlewares at a steady rate, singly and
 * in batches, the way a till does it. A request that got no answer (instance killed, connection reset, timeout) is
 * pushed again later, to the next instance — so an item may be stored without the till having been told; what the
 * till WAS told is recorded in `acknowledged` and must all reach the ledger.
 */
export interface FeederOptions {
  /** Middlewares to push to, in turn; a refused connection moves on to the next. */
  readonly bases: () => readonly string[];
  readonly key: string;
  /** Pause between two pushes. */
  readonly everyMs: number;
  /** Every n-th push is a batch of `batchSize` notes instead of one. */
  readonly batchEvery: number;
  readonly batchSize: number;
  readonly prefix: string;
}

export interface FeederReport {
  /** note ID → tracking ID, for every note whose acceptance was answered. */
  readonly acknowledged: ReadonlyMap<string, string>;
  /** Notes pushed but never answered, even after re-pushes (none once `drain` succeeded). */
  readonly unanswered: ReadonlySet<string>;
  /** Answers other than accepted/duplicate (must stay empty: intake does not depend on the ledger). */
  readonly refusals: readonly string[];
  readonly pushes: number;
  readonly repushes: number;
}

const TIMEOUT_MS = 15_000;

export class Feeder {
  readonly #opts: FeederOptions;
  readonly #acknowledged = new Map<string, string>();
  readonly #unanswered = new Set<string>();
  readonly #refusals: string[] = [];
  #pushes = 0;
  #repushes = 0;
  #turn = 0;
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(opts: FeederOptions) {
    this.#opts = opts;
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops pushing new notes. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** Pushes every unanswered note again until each is answered (the till's own retry), or the time is up. */
  async drain(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.#unanswered.size > 0 && Date.now() < until) {
      await this.#push([...this.#unanswered].slice(0, this.#opts.batchSize));
      if (this.#unanswered.size > 0) await sleep(500);
    }
  }

  report(): FeederReport {
    return {
      acknowledged: this.#acknowledged,
      unanswered: this.#unanswered,
      refusals: this.#refusals,
      pushes: this.#pushes,
      repushes: this.#repushes,
    };
  }

  async #run(): Promise<void> {
    let n = 0;
    while (this.#running) {
      n++;
      const count = n % this.#opts.batchEvery === 0 ? this.#opts.batchSize : 1;
      const retry = [...this.#unanswered].slice(0, count);
      const fresh = Array.from({ length: count - retry.length }, () => uniqueId(this.#opts.prefix));
      this.#repushes += retry.length;
      await this.#push([...retry, ...fresh]);
      await sleep(this.#opts.everyMs);
    }
  }

  async #push(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const bases = this.#opts.bases();
    const base = bases[this.#turn++ % bases.length];
    if (base === undefined) return;
    for (const id of ids) this.#unanswered.add(id);
    this.#pushes++;
    try {
      if (ids.length === 1) await this.#single(base, ids[0]!);
      else await this.#batch(base, ids);
    } catch {
      // No answer: the till does not know whether it was stored; it stays unanswered and is pushed again.
    }
  }

  async #single(base: string, id: string): Promise<void> {
    const res = await this.#post(base, '/v1/notes', { id, text: textOf(id) });
    const body = (await res.json()) as { trackingId?: string; message?: string };
    if ((res.status === 202 || res.status === 200) && body.trackingId !== undefined) this.#ack(id, body.trackingId);
    else this.#refuse(id, res.status, body.message);
  }

  async #batch(base: string, ids: readonly string[]): Promise<void> {
    const res = await this.#post(base, '/v1/notes/batch', { notes: ids.map((id) => ({ id, text: textOf(id) })) });
    const body = (await res.json()) as { id: string; outcome: string; trackingId?: string; message?: string }[];
    if (res.status !== 200 || !Array.isArray(body)) {
      for (const id of ids) this.#refuse(id, res.status, JSON.stringify(body));
      return;
    }
    for (const r of body) {
      if ((r.outcome === 'accepted' || r.outcome === 'duplicate') && r.trackingId !== undefined)
        this.#ack(r.id, r.trackingId);
      else this.#refuse(r.id, res.status, `${r.outcome} ${r.message ?? ''}`);
    }
  }

  #post(base: string, path: string, body: unknown): Promise<Response> {
    return fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': this.#opts.key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  }

  #ack(id: string, trackingId: string): void {
    this.#unanswered.delete(id);
    const earlier = this.#acknowledged.get(id);
    if (earlier !== undefined && earlier !== trackingId)
      this.#refusals.push(`${id}: acknowledged as ${earlier}, then as ${trackingId}`);
    this.#acknowledged.set(id, trackingId);
  }

  #refuse(id: string, status: number, message: string | undefined): void {
    this.#unanswered.delete(id);
    this.#refusals.push(`${id}: HTTP ${status} ${message ?? ''}`);
  }
}

/** The text a note with this ID carries (a re-push must be the same content, or it is a 409). */
export function textOf(id: string): string {
  return `t-${id}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
