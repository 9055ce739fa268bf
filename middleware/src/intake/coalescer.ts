interface Entry<T> {
  readonly value: T;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Gathers values handed in concurrently and writes them with one call: values that arrive while a write is in
 * flight go into the next one. `write` answers per value whether it was stored; a value that was not, or a write
 * that throws, rejects the caller's promise.
 */
export class Coalescer<T> {
  #pending: Entry<T>[] = [];
  #running = false;

  constructor(
    private readonly write: (values: readonly T[]) => Promise<readonly boolean[]>,
    private readonly refused: (value: T) => Error,
  ) {}

  add(value: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ value, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // Let the callers of this tick join the first write.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        const stored = await this.write(batch.map((e) => e.value));
        batch.forEach((e, i) => {
          if (stored[i] === true) e.resolve();
          else e.reject(this.refused(e.value));
        });
      } catch (err) {
        for (const e of batch) e.reject(err);
      }
    }
    this.#running = false;
  }
}
