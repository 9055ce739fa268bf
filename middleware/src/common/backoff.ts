/** The two numbers every back-off of the middleware is configured with. */
export interface BackoffSettings {
  /** First delay, in ms; doubles per attempt. */
  readonly backoffMs: number;
  /** Cap, in ms. */
  readonly maxBackoffMs: number;
}

/**
 * Exponential back-off, `backoffMs * 2^(attempt-1)` capped at `maxBackoffMs`. With `jitter` the delay is drawn in
 * the upper half of that, so that writers that conflicted with each other spread out.
 * @example backoffDelay(3, { backoffMs: 100, maxBackoffMs: 5000 }) // 400
 */
export function backoffDelay(attempt: number, settings: BackoffSettings, jitter = false): number {
  const base = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
  return jitter ? Math.round(base / 2 + Math.random() * (base / 2)) : base;
}

/** Sleep that ends early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
