import type { LedgerEvent, LedgerPort, SubmitResult } from '../../src/ledger/ledger.port';
import { eventsSince } from '../e2e/support/ledger-check';

/**
 * The e2e checker's ledger read, against a fake peer that behaves like fabric-gateway: the events of one block come
 * in one response and are all handed over, even after the reader aborts at the fence (seen in CI: the fence shared a
 * block with later transactions, the reader then resumed after one of them and waited in vain until its deadline).
 */
describe('eventsSince (e2e checker)', () => {
  const ev = (block: number, txId: string): LedgerEvent => ({
    blockNumber: BigInt(block),
    txId,
    eventName: 'mallchain.changes',
    payload: new Uint8Array(),
  });

  function fakeLedger(chain: LedgerEvent[], failFirstStreamAfter?: number): LedgerPort & { streams: number } {
    const fake = {
      streams: 0,
      submit: (): Promise<SubmitResult> => Promise.resolve({ txId: 'fence', blockNumber: 7n } as SubmitResult),
      async chaincodeEvents(
        from: bigint | undefined,
        onEvent: (e: LedgerEvent) => Promise<void>,
        signal: AbortSignal,
        after?: { blockNumber: bigint; txId?: string },
      ): Promise<void> {
        fake.streams++;
        let start = chain.findIndex((e) => e.blockNumber >= (after?.blockNumber ?? from ?? 0n));
        if (after?.txId !== undefined) start = chain.findIndex((e) => e.txId === after.txId) + 1;
        let sent = 0;
        // Blocks are delivered whole: no look at the signal inside a block.
        for (const e of chain.slice(start)) {
          if (fake.streams === 1 && failFirstStreamAfter !== undefined && sent === failFirstStreamAfter) {
            throw new Error('stream reset');
          }
          await onEvent(e);
          sent++;
        }
        if (signal.aborted) return;
        await new Promise<void>((resolve) => {
          signal.addEventListener(
            'abort',
            () => {
              resolve();
            },
            { once: true },
          );
        });
      },
      evaluate: () => Promise.reject(new Error('unused')),
      txStatus: () => Promise.reject(new Error('unused')),
      ping: () => Promise.resolve(true),
      close: () => undefined,
    };
    return fake;
  }

  it('ends at the fence even when its block holds later transactions, in one read', async () => {
    const chain = [ev(5, 'a'), ev(6, 'b'), ev(7, 'c'), ev(7, 'fence'), ev(7, 'd'), ev(8, 'e')];
    const ledger = fakeLedger(chain);
    const started = Date.now();
    const got = await eventsSince(ledger, 5n, 'fence-note', 20_000);
    expect(got.map((e) => e.txId)).toEqual(['a', 'b', 'c', 'fence']);
    expect(ledger.streams).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps what a failed read got and resumes after it, without repeating an event', async () => {
    const chain = [ev(5, 'a'), ev(6, 'b'), ev(6, 'c'), ev(7, 'fence'), ev(7, 'd')];
    const ledger = fakeLedger(chain, 2);
    const got = await eventsSince(ledger, 5n, 'fence-note', 20_000);
    expect(got.map((e) => e.txId)).toEqual(['a', 'b', 'c', 'fence']);
    expect(ledger.streams).toBe(2);
  });
});
