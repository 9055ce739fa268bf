import { expandChanges } from '@mallchain/wire';
import { createLedger } from '../../../src/ledger/ledger.factory';
import { ChaincodeRejectedError, type LedgerEvent, type LedgerPort } from '../../../src/ledger/ledger.port';
import { collectEvents } from '../../ledger/network';

interface Change {
  readonly entity: string;
  readonly op: string;
  readonly data?: { readonly id?: string };
}

/** A second, independent ledger client (gateway driver) for checking what is on the ledger. */
export function openChecker(networkFile: string, mspId = 'MallAMSP'): Promise<LedgerPort> {
  return createLedger({ driver: 'gateway', networkFile, mspId });
}

/**
 * Writes a note straight to the ledger and returns its transaction (a fence to read the chain up to). Like the
 * middleware's outbox, the checker rides out infrastructure failures (links still faulty, discovery not yet
 * converged after a heal: "no combination of peers can be derived") until `deadlineMs`; a chaincode rejection
 * fails at once.
 */
export async function putNote(
  ledger: LedgerPort,
  id: string,
  text: string,
  deadlineMs = 5 * 60_000,
): Promise<{ txId: string; blockNumber: bigint }> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await ledger.submit('info:PutNote', [JSON.stringify({ id, text })]);
      return { txId: r.txId, blockNumber: r.blockNumber };
    } catch (err) {
      if (err instanceof ChaincodeRejectedError || Date.now() >= until) throw err;
      await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
    }
  }
}

/**
 * Every chaincode event from `fromBlock` up to a fence transaction committed now, i.e. everything committed before
 * this call returns (in ledger order). Read in rounds of at most a minute, each resuming after the last event the one
 * before got (a stream cut by a faulty link, or slow on a loaded machine, goes on where it stopped), within
 * `deadlineMs` in all.
 */
export async function eventsSince(
  ledger: LedgerPort,
  fromBlock: bigint,
  fenceId: string,
  deadlineMs = 5 * 60_000,
): Promise<LedgerEvent[]> {
  const fence = await putNote(ledger, fenceId, 'fence');
  const until = Date.now() + deadlineMs;
  const got: LedgerEvent[] = [];
  let rounds = 0;
  while (got.at(-1)?.txId !== fence.txId && Date.now() < until) {
    rounds++;
    const last = got.at(-1);
    const after = last ? { blockNumber: last.blockNumber, txId: last.txId } : undefined;
    // A failed round keeps what it read: the next one resumes after it.
    await collectEvents(ledger, last ? last.blockNumber : fromBlock, fence.txId, after, 60_000, got).catch(
      () => undefined,
    );
  }
  if (got.at(-1)?.txId !== fence.txId) {
    throw new Error(`events: fence ${fence.txId} not reached in ${rounds} rounds (${got.length} events read)`);
  }
  return got;
}

/**
 * The changes a `mallchain.changes` payload lists, version 1 or 2 (compact accruals expanded:
 * chaincode/src/wire/change-event.ts), each as `{entity, id, op, data?}`; the caller names their shape.
 */
export function changesOf<C>(payload: Uint8Array): C[] {
  return expandChanges(JSON.parse(new TextDecoder().decode(payload)) as { changes: unknown }) as C[];
}

/** For each note ID, the transactions whose `mallchain.changes` event puts that note. */
export function notePuts(events: readonly LedgerEvent[], ids: readonly string[]): Map<string, string[]> {
  const wanted = new Set(ids);
  const puts = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of events) {
    if (e.eventName !== 'mallchain.changes') continue;
    for (const c of changesOf<Change>(e.payload)) {
      const id = c.data?.id;
      if (c.entity === 'note' && c.op === 'put' && id !== undefined && wanted.has(id)) puts.get(id)?.push(e.txId);
    }
  }
  return puts;
}
