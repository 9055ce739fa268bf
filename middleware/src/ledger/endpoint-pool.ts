import type { Endpoint } from './gateway-types';

/**
 * The peers of this mall's org in order of preference. Every call goes to the current one; a call that finds
 * it unreachable moves the pool on, so concurrent callers fail over together instead of each trying alone.
 */
export class EndpointPool {
  readonly #endpoints: readonly Endpoint[];
  #current = 0;

  constructor(endpoints: readonly Endpoint[]) {
    if (endpoints.length === 0) throw new Error('ledger: at least one peer endpoint is required');
    this.#endpoints = endpoints;
  }

  get size(): number {
    return this.#endpoints.length;
  }

  current(): Endpoint {
    const endpoint = this.#endpoints[this.#current];
    if (endpoint === undefined) throw new Error('ledger: endpoint pool is empty');
    return endpoint;
  }

  /** Move on from `failed` (if nobody did already); returns the endpoint to use next. */
  failover(failed: Endpoint): Endpoint {
    if (this.current() === failed && this.#endpoints.length > 1) {
      this.#current = (this.#current + 1) % this.#endpoints.length;
    }
    return this.current();
  }

  all(): readonly Endpoint[] {
    return this.#endpoints;
  }

  close(): void {
    for (const endpoint of this.#endpoints) endpoint.close();
  }
}
