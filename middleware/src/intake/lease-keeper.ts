import { Logger } from '@nestjs/common';
import type { OutboxStore } from './outbox.store';

/**
 * Keeps the lease of one claim alive while its submits are in flight (renewed every third of the lease), and
 * remembers the items it lost: those were taken over by another batcher, whose claim now owns them.
 */
export class LeaseKeeper {
  readonly #logger = new Logger('LeaseKeeper');
  readonly #held: Set<string>;
  readonly #timer: NodeJS.Timeout;
  #renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: OutboxStore,
    trackingIds: readonly string[],
    private readonly token: string,
    private readonly leaseMs: number,
  ) {
    this.#held = new Set(trackingIds);
    this.#timer = setInterval(
      () => {
        this.#renewing = this.#renew();
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
  }

  /** The item is settled: no need to hold it any longer. */
  release(trackingId: string): void {
    this.#held.delete(trackingId);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#renewing;
  }

  async #renew(): Promise<void> {
    const ids = [...this.#held];
    if (ids.length === 0) return;
    try {
      const still = await this.store.renew(ids, this.token, this.leaseMs);
      for (const id of ids) {
        if (still.has(id) || !this.#held.has(id)) continue;
        this.#held.delete(id);
        this.#logger.warn(`lease of item ${id} was taken over; this batcher will not send or settle it`);
      }
    } catch (e) {
      // The database is away: the lease may run out, and then the writes of this claim are refused (fenced).
      this.#logger.warn(`lease renewal failed: ${String(e)}`);
    }
  }
}
