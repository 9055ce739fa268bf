/**
 * Assertions shared by the admin end-to-end suites: an admin operation that must be refused,
 * and a step that must succeed once the network has caught up (gossip, discovery, config).
 */
import { AdminError } from '../../fabric-network/src';

/** The AdminError a refused operation threw; an accepted operation or any other failure fails the test. */
export async function refusal(p: Promise<unknown>): Promise<AdminError> {
  const outcome = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (outcome === undefined) throw new Error('the operation was accepted but should have been refused');
  if (!(outcome instanceof AdminError))
    throw outcome instanceof Error ? outcome : new Error('the operation failed with a non-error value');
  return outcome;
}

/** Retries `fn` every 2 s until it succeeds or `timeoutMs` passed (then its last error is thrown). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
