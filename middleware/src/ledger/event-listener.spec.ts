import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { EndpointPool } from './endpoint-pool';
import { listenChaincodeEvents, type EventListenerOptions } from './event-listener';
import type { LedgerEvent } from './ledger.port';
import { FakeLedgerState, FakePeer, grpcError } from './testing/fake-gateway';

const ev = (block: bigint, txId: string): ChaincodeEvent => ({
  blockNumber: block,
  transactionId: txId,
  chaincodeName: 'mallchain',
  eventName: 'mallchain.changes',
  payload: new TextEncoder().encode(txId),
});
const peerRestart = (): Error => grpcError('GatewayError', GrpcStatus.UNAVAILABLE, 'Connection dropped');

function options(peers: FakePeer[], reconnects: number[] = []): EventListenerOptions {
  return {
    pool: new EndpointPool(peers),
    channel: 'mallchannel',
    chaincode: 'mallchain',
    reconnect: { initialMs: 1, maxMs: 4 },
    height: () => Promise.resolve(42n),
    onReconnect: (_err, delay) => reconnects.push(delay),
  };
}

/** Run the listener until `count` events arrived, then abort; resolves with what was delivered. */
async function collect(
  o: EventListenerOptions,
  count: number,
  from: bigint | undefined,
  after?: { blockNumber: bigint; txId?: string },
): Promise<LedgerEvent[]> {
  const got: LedgerEvent[] = [];
  const ac = new AbortController();
  await listenChaincodeEvents(
    o,
    from,
    (e) => {
      got.push(e);
      if (got.length === count) ac.abort();
      return Promise.resolve();
    },
    ac.signal,
    after,
  );
  return got;
}

describe('listenChaincodeEvents', () => {
  it('delivers events in order from the requested block and stops cleanly on abort', async () => {
    const peer = new FakePeer('peer0', new FakeLedgerState());
    peer.eventStreams.push([ev(5n, 'a'), ev(5n, 'b'), ev(6n, 'c')]);
    const got = await collect(options([peer]), 3, 5n);
    expect(got.map((e) => `${e.blockNumber}:${e.txId}`)).toEqual(['5:a', '5:b', '6:c']);
    expect(got[0]?.eventName).toBe('mallchain.changes');
    expect(peer.eventRequests[0]).toEqual({ startBlock: 5n });
  });

  it('after a peer restart reconnects from the last handled event (block + tx ID): nothing missed or doubled', async () => {
    const peer = new FakePeer('peer0', new FakeLedgerState());
    const reconnects: number[] = [];
    // First stream breaks after b; the peer comes back only at the third try and replays block 5 in full.
    peer.eventStreams.push([ev(5n, 'a'), ev(5n, 'b'), peerRestart()]);
    peer.eventStreams.push([peerRestart()]);
    peer.eventStreams.push([ev(5n, 'a'), ev(5n, 'b'), ev(5n, 'c'), ev(7n, 'd')]);
    const got = await collect(options([peer], reconnects), 4, 5n);
    expect(got.map((e) => e.txId)).toEqual(['a', 'b', 'c', 'd']);
    const resumed = peer.eventRequests[1]?.checkpoint;
    expect(resumed?.getBlockNumber()).toBe(5n);
    expect(resumed?.getTransactionId()).toBe('b');
    // Back-off grows while the peer stays down.
    expect(reconnects).toEqual([1, 2]);
  });

  it('resumes from a stored checkpoint without re-delivering its transaction', async () => {
    const peer = new FakePeer('peer0', new FakeLedgerState());
    peer.eventStreams.push([ev(9n, 'x'), ev(9n, 'y'), ev(10n, 'z')]);
    const got = await collect(options([peer]), 2, undefined, { blockNumber: 9n, txId: 'x' });
    expect(got.map((e) => e.txId)).toEqual(['y', 'z']);
    expect(peer.eventRequests[0]?.checkpoint?.getTransactionId()).toBe('x');
  });

  it('with no start block begins at the current height, so a reconnect has no gap', async () => {
    const peer = new FakePeer('peer0', new FakeLedgerState());
    peer.eventStreams.push([peerRestart()], [ev(42n, 'n')]);
    const got = await collect(options([peer]), 1, undefined);
    expect(got.map((e) => e.txId)).toEqual(['n']);
    expect(peer.eventRequests).toEqual([{ startBlock: 42n }, { startBlock: 42n }]);
  });

  it('fails over to the second peer of the org when the first drops', async () => {
    const state = new FakeLedgerState();
    const p0 = new FakePeer('peer0', state);
    const p1 = new FakePeer('peer1', state);
    p0.eventStreams.push([ev(3n, 'a'), peerRestart()]);
    p1.eventStreams.push([ev(3n, 'b')]);
    const got = await collect(options([p0, p1]), 2, 3n);
    expect(got.map((e) => e.txId)).toEqual(['a', 'b']);
    expect(p1.eventRequests[0]?.checkpoint?.getTransactionId()).toBe('a');
  });

  it('stops and rejects with the handler error, without advancing past the failed event', async () => {
    const peer = new FakePeer('peer0', new FakeLedgerState());
    peer.eventStreams.push([ev(1n, 'a'), ev(1n, 'b')]);
    const seen: string[] = [];
    const err = await listenChaincodeEvents(
      options([peer]),
      1n,
      (e) => {
        seen.push(e.txId);
        return e.txId === 'b' ? Promise.reject(new Error('database down')) : Promise.resolve();
      },
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('database down');
    expect(seen).toEqual(['a', 'b']);
    expect(peer.eventStreams).toHaveLength(0);
  });

  it('returns at once when already aborted', async () => {
    const peer = new FakePeer('peer0', new FakeLedgerState());
    const ac = new AbortController();
    ac.abort();
    await listenChaincodeEvents(options([peer]), 0n, () => Promise.resolve(), ac.signal);
    expect(peer.eventRequests).toHaveLength(0);
  });
});
