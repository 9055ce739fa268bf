import { isIPv6 } from 'node:net';

interface Window {
  start: number;
  failures: number;
}

/** Most client addresses tracked at once: past it the oldest is forgotten (memory stays bounded under a spread flood). */
const MAX_ADDRESSES = 100_000;

/**
 * Failed authentications per client address in fixed windows. Checked before a key is looked
 * up, so an address past the limit costs neither a database query nor an audit row per request.
 * IPv6 clients are counted per /64 (one host usually owns the whole prefix).
 */
export class AuthFailureLimiter {
  readonly #windows = new Map<string, Window>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Milliseconds until `address` may try again, or 0 when it may now. */
  blockedFor(address: string, now = Date.now()): number {
    const w = this.#windows.get(clientOf(address));
    if (w === undefined || now - w.start >= this.windowMs || w.failures < this.limit) return 0;
    return w.start + this.windowMs - now;
  }

  recordFailure(address: string, now = Date.now()): void {
    const client = clientOf(address);
    let w = this.#windows.get(client);
    if (w === undefined || now - w.start >= this.windowMs) {
      this.#windows.delete(client);
      w = { start: now, failures: 0 };
      this.#windows.set(client, w);
      this.#bound();
    }
    w.failures++;
  }

  #bound(): void {
    if (this.#windows.size <= MAX_ADDRESSES) return;
    const oldest = this.#windows.keys().next();
    if (oldest.done !== true) this.#windows.delete(oldest.value);
  }
}

/** The address itself (IPv4, IPv4-mapped) or its /64 (IPv6). */
export function clientOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] ?? address;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
