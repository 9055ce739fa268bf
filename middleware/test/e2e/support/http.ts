import type { IntakeStatusView } from '../../../src/intake/intake.types';

/** Minimal JSON-over-HTTP helpers for tests against a listening middleware. */
export interface Reply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

export async function call<T = Record<string, unknown>>(
  base: string,
  key: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<Reply<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as T };
}

/** Polls `check` until it returns a value (not undefined); fails naming `what` when the time is up. */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  stepMs = 200,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > until) {
      throw new Error(
        `${what}: not reached within ${timeoutMs} ms${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The fields of an intake status answer the e2e tests read (its dates arrive as strings over JSON). */
export type IntakeView = Pick<
  IntakeStatusView,
  'trackingId' | 'status' | 'attempts' | 'txId' | 'blockNumber' | 'errorCode' | 'lastError'
>;

/** Waits until the intake item is settled on the ledger; returns its status view. */
export function committedItem(base: string, key: string, trackingId: string, timeoutMs = 90_000): Promise<IntakeView> {
  return poll(
    `intake item ${trackingId} committed`,
    async () => {
      const r = await call<IntakeView>(base, key, 'GET', `/v1/intake/${trackingId}`);
      if (r.body.status === 'dead')
        throw new Error(`item ${trackingId} is dead: ${r.body.errorCode ?? ''} ${r.body.lastError ?? ''}`);
      return r.body.status === 'committed' ? r.body : undefined;
    },
    timeoutMs,
  );
}
