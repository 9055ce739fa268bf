import type { ChaincodeEvent, ChaincodeEventsOptions, Checkpoint } from '@hyperledger/fabric-gateway';
import type { EndpointPool } from './endpoint-pool';
import { sleep } from '../common/backoff';
import type { Endpoint } from './gateway-types';
import { LedgerError, type LedgerCheckpoint, type LedgerEvent } from './ledger.port';

export interface EventListenerOptions {
  readonly pool: EndpointPool;
  readonly channel: string;
  readonly chaincode: string;
  /** First wait before reconnecting; doubles up to `maxMs`. */
  readonly reconnect: { readonly initialMs: number; readonly maxMs: number };
  /** Current block height, so that "new events only" still resumes without a gap after a reconnect. */
  readonly height: (endpoint: Endpoint) => Promise<bigint>;
  /** Told about each stream failure before the reconnect (for logs and metrics). */
  readonly onReconnect?: (error: unknown, delayMs: number) => void;
}

/** Raised inside the loop to tell a failing handler (stop) from a failing stream (reconnect). */
class HandlerFailed extends Error {
  constructor(readonly error: unknown) {
    super('event handler failed');
  }
}

/** A function rather than a property read, because the signal flips while we await. */
function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/**
 * Where to resume: the block of the last handled event and its tx ID, which the peer skips along with everything
 * before it in that block. One chaincode event per transaction, so (block, txId) identifies an event.
 */
class Position {
  block: bigint | undefined;
  txId: string | undefined;
  /** Tx IDs already handled in `block`: a guard against a peer that replays part of the block. */
  readonly seen = new Set<string>();
  /** Events handled so far, to tell a stream that worked for a while from one that fails at once. */
  handled = 0;

  constructor(from: bigint | undefined, after: LedgerCheckpoint | undefined) {
    this.block = after?.blockNumber ?? from;
    this.txId = after?.txId;
    if (after?.txId !== undefined) this.seen.add(after.txId);
  }

  isNew(e: ChaincodeEvent): boolean {
    if (this.block === undefined || e.blockNumber > this.block) return true;
    return e.blockNumber === this.block && !this.seen.has(e.transactionId);
  }

  advance(e: ChaincodeEvent): void {
    if (e.blockNumber !== this.block) this.seen.clear();
    this.block = e.blockNumber;
    this.txId = e.transactionId;
    this.seen.add(e.transactionId);
    this.handled++;
  }

  options(): ChaincodeEventsOptions {
    const { block, txId } = this;
    if (block === undefined) return {};
    if (txId === undefined) return { startBlock: block };
    // A snapshot: the request is built once per stream from these values.
    const checkpoint: Checkpoint = { getBlockNumber: () => block, getTransactionId: () => txId };
    return { checkpoint };
  }
}

/**
 * Deliver chaincode events in order, reconnecting (with back-off, to the next peer of the org) when the stream
 * breaks — e.g. a peer restart — and resuming right after the last event handed to `onEvent`.
 */
export async function listenChaincodeEvents(
  o: EventListenerOptions,
  fromBlock: bigint | undefined,
  onEvent: (e: LedgerEvent) => Promise<void>,
  signal: AbortSignal,
  after?: LedgerCheckpoint,
): Promise<void> {
  const position = new Position(fromBlock, after);
  let delay = o.reconnect.initialMs;
  while (!signal.aborted) {
    const endpoint = o.pool.current();
    const handledBefore = position.handled;
    try {
      if (position.block === undefined) position.block = await o.height(endpoint);
      await streamOnce(o, endpoint, position, onEvent, signal);
    } catch (err) {
      if (err instanceof HandlerFailed) throw err.error;
      if (aborted(signal)) return;
      if (position.handled > handledBefore) delay = o.reconnect.initialMs;
      o.onReconnect?.(err, delay);
      o.pool.failover(endpoint);
      await sleep(delay, signal);
      delay = Math.min(o.reconnect.maxMs, delay * 2);
    }
  }
}

/** One stream: returns when aborted, throws when the stream fails or the handler does. */
async function streamOnce(
  o: EventListenerOptions,
  endpoint: Endpoint,
  position: Position,
  onEvent: (e: LedgerEvent) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  const network = endpoint.gateway.getNetwork(o.channel);
  const events = await network.getChaincodeEvents(o.chaincode, position.options());
  const stop = (): void => {
    events.close();
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const e of events) {
      if (!position.isNew(e)) continue;
      try {
        await onEvent({
          blockNumber: e.blockNumber,
          txId: e.transactionId,
          eventName: e.eventName,
          payload: e.payload,
        });
      } catch (error) {
        throw new HandlerFailed(error);
      }
      position.advance(e);
    }
  } catch (err) {
    if (err instanceof HandlerFailed || !aborted(signal)) throw err;
  } finally {
    signal.removeEventListener('abort', stop);
    events.close();
  }
  if (!aborted(signal)) throw new LedgerError(`event stream from ${endpoint.name} ended unexpectedly`);
}
