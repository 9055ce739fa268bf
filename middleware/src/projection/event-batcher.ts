import type { LedgerEvent } from '../ledger/ledger.port';

/**
 * Collects events from a listener into batches for one database transaction each. An event is
 * taken at once (the listener moves on to the next) and the batch is written as soon as the
 * listener has nothing more to hand over in this turn of the event loop, or when it is full: no
 * added delay when events trickle in one per block, large batches when catching up. Batches are
 * written one at a time, in order. When a write fails the batcher stops (`failure`) and the
 * owner restarts the listener from the stored checkpoint; events taken but not written are
 * simply delivered again.
 */
export class EventBatcher {
  #buffer: LedgerEvent[] = [];
  #writing: Promise<void> = Promise.resolve();
  #scheduled = false;
  #failure: unknown;
  #failed = false;

  constructor(
    private readonly write: (events: readonly LedgerEvent[]) => Promise<void>,
    private readonly maxBatch: number,
    /** Told once, when a write in the background failed. */
    private readonly onFailure: (error: unknown) => void,
  ) {}

  get failed(): boolean {
    return this.#failed;
  }

  get failure(): unknown {
    return this.#failure;
  }

  /** Takes an event; waits only when a full batch is being written (back-pressure), and throws once failed. */
  async push(e: LedgerEvent): Promise<void> {
    if (this.#failed) throw this.#failure;
    this.#buffer.push(e);
    if (this.#buffer.length >= this.maxBatch) {
      await this.flush();
      return;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.flush().catch(() => undefined);
      });
    }
  }

  /** Writes what was taken so far (after the batch being written); rejects when a write failed. */
  flush(): Promise<void> {
    const next = this.#writing.then(async () => {
      if (this.#failed) throw this.#failure;
      const batch = this.#buffer;
      if (batch.length === 0) return;
      this.#buffer = [];
      try {
        await this.write(batch);
      } catch (e) {
        this.#failed = true;
        this.#failure = e;
        this.onFailure(e);
        throw e;
      }
    });
    this.#writing = next.catch(() => undefined);
    return next;
  }
}
