/**
 * A bounded map that forgets the least recently used entry when full, and entries past their
 * time to live. One per purpose: a flood into one cache never evicts entries of another.
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, { value: V; until: number }>();

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: K, now = Date.now()): V | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    this.#entries.delete(key);
    if (e.until <= now) return undefined;
    this.#entries.set(key, e); // most recently used last
    return e.value;
  }

  set(key: K, value: V, now = Date.now()): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, until: now + this.ttlMs });
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
