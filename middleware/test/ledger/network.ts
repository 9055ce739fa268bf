import { existsSync } from 'node:fs';
import type { LedgerCheckpoint, LedgerEvent, LedgerPort } from '../../src/ledger/ledger.port';
import { NetworkPaths } from '../../../fabric-network/src/paths';
import { settingsFromEnv } from '../../../fabric-network/src/settings';

/**
 * The dev network's description, where fabric-network puts it for the current MALLCHAIN_HOME / MALLCHAIN_PROFILE
 * (MALLCHAIN_NETWORK_FILE points elsewhere explicitly).
 */
export const NETWORK_FILE = process.env.MALLCHAIN_NETWORK_FILE ?? new NetworkPaths(settingsFromEnv().home).description;

/** Integration tests fail (not skip) when the network is not up. */
export function requireNetwork(): string {
  if (!existsSync(NETWORK_FILE)) {
    throw new Error(`dev network not found at ${NETWORK_FILE}: run 'node fabric-network/dist/cli/main.js up' first`);
  }
  return NETWORK_FILE;
}

/** A unique note ID per run, so tests never collide with earlier runs or with each other. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Chaincode events from `fromBlock` (or after the checkpoint `after`) up to and including the transaction
 * `untilTxId`; gives up after `timeoutMs` with what it got, so a missing event fails the caller's assertion. Events are
 * appended to `got` as they arrive, so a caller keeps them even when the read fails part way.
 */
export async function collectEvents(
  ledger: LedgerPort,
  fromBlock: bigint | undefined,
  untilTxId: string,
  after?: LedgerCheckpoint,
  timeoutMs = 20_000,
  got: LedgerEvent[] = [],
): Promise<LedgerEvent[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => {
    ac.abort();
  }, timeoutMs);
  try {
    await ledger.chaincodeEvents(
      fromBlock,
      (e) => {
        // A stream can hand over events it had buffered after the abort: nothing past the fence is taken, so the
        // fence is always the last event (a later one would make a caller resume after it and wait in vain).
        if (ac.signal.aborted) return Promise.resolve();
        got.push(e);
        if (e.txId === untilTxId) ac.abort();
        return Promise.resolve();
      },
      ac.signal,
      after,
    );
  } finally {
    clearTimeout(timer);
  }
  return got;
}
