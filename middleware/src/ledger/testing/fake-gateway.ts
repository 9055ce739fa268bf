/**
 * A scripted stand-in for a peer's Gateway service, for unit tests of the retry policy and the event listener.
 * Each call pops the next scripted outcome of its stage; an empty script means success.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ChaincodeEvent, ChaincodeEventsOptions, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import type {
  CommitLike,
  Endpoint,
  GatewayLike,
  NetworkLike,
  ProposalLike,
  StatusLike,
  TransactionLike,
} from '../gateway-types';

export type Outcome = 'ok' | Error;
export type StatusOutcome = number | Error;

export interface FakeCall {
  readonly endpoint: string;
  readonly stage: 'evaluate' | 'endorse' | 'submit' | 'commitStatus';
  readonly txId: string;
  readonly fn?: string;
  readonly args?: readonly string[];
}

/** A gRPC-style error as the gateway raises it (name, numeric code, per-peer details). */
export function grpcError(
  name: 'EndorseError' | 'SubmitError' | 'CommitStatusError' | 'GatewayError',
  code: number,
  message: string,
  details: { address: string; mspId: string; message: string }[] = [],
): Error {
  return Object.assign(new Error(`${code} ${GrpcStatus[code] ?? ''}: ${message}`), { name, code, details });
}

export function chaincodeFailure(message: string): Error {
  return grpcError(
    'EndorseError',
    GrpcStatus.ABORTED,
    'failed to endorse transaction, see attached details for more info',
    [{ address: 'peer0.mall-a.example.com:7051', mspId: 'MallAMSP', message: `chaincode response 500, ${message}` }],
  );
}

/** Shared state of all fake peers: the "ledger" of committed tx IDs and one call log. */
export class FakeLedgerState {
  readonly calls: FakeCall[] = [];
  /** tx ID → validation code, once "committed". */
  readonly committed = new Map<string, number>();
  blockHeight = 10n;
  nextTx = 1;
}

export class FakePeer implements Endpoint {
  readonly name: string;
  readonly gateway: GatewayLike;
  readonly endorse: Outcome[] = [];
  readonly submit: Outcome[] = [];
  /** Per commit-status call: a validation code to commit with, or an error. Default: VALID (0). */
  readonly status: StatusOutcome[] = [];
  readonly evaluate: (Outcome | Uint8Array)[] = [];
  /** Event streams handed out by getChaincodeEvents, in order; each item is an event or an error that ends the stream. */
  readonly eventStreams: (ChaincodeEvent | Error)[][] = [];
  readonly eventRequests: ChaincodeEventsOptions[] = [];
  closed = false;

  constructor(
    name: string,
    readonly state: FakeLedgerState,
  ) {
    this.name = name;
    this.gateway = this.#gateway();
  }

  close(): void {
    this.closed = true;
  }

  #log(stage: FakeCall['stage'], txId: string, extra: Partial<FakeCall> = {}): void {
    this.state.calls.push({ endpoint: this.name, stage, txId, ...extra });
  }

  #proposal(txId: string, fn: string, args: readonly string[]): ProposalLike {
    const bytes = new TextEncoder().encode(JSON.stringify({ txId, fn, args }));
    return {
      getTransactionId: () => txId,
      getBytes: () => bytes,
      evaluate: async () => {
        this.#log('evaluate', txId, { fn, args });
        await Promise.resolve();
        const next = this.evaluate.shift() ?? 'ok';
        if (next instanceof Error) throw next;
        return next === 'ok' ? new TextEncoder().encode(`${fn}(${args.join(',')})`) : next;
      },
      endorse: async () => {
        this.#log('endorse', txId, { fn, args });
        await Promise.resolve();
        const next = this.endorse.shift() ?? 'ok';
        if (next instanceof Error) throw next;
        return this.#transaction(txId, fn);
      },
    };
  }

  #transaction(txId: string, fn: string): TransactionLike {
    return {
      getTransactionId: () => txId,
      getBytes: () => new TextEncoder().encode(JSON.stringify({ txId, fn })),
      getResult: () => new TextEncoder().encode(`result of ${fn}`),
      submit: async () => {
        this.#log('submit', txId);
        await Promise.resolve();
        const next = this.submit.shift() ?? 'ok';
        if (next instanceof Error) throw next;
        return this.#commit(txId);
      },
    };
  }

  #commit(txId: string): CommitLike {
    return {
      getTransactionId: () => txId,
      getBytes: () => new TextEncoder().encode(JSON.stringify({ txId })),
      getStatus: async (): Promise<StatusLike> => {
        this.#log('commitStatus', txId);
        await Promise.resolve();
        const next = this.status.shift() ?? 0;
        if (next instanceof Error) throw next;
        if (!this.state.committed.has(txId)) {
          this.state.blockHeight++;
          this.state.committed.set(txId, next);
        }
        const code = this.state.committed.get(txId) ?? next;
        return { blockNumber: this.state.blockHeight, code, successful: code === 0, transactionId: txId };
      },
    };
  }

  #network(): NetworkLike {
    return {
      getContract: () => ({
        newProposal: (fn, options) => {
          const txId = `tx${this.state.nextTx++}`;
          return this.#proposal(txId, fn, (options?.arguments ?? []).map(String));
        },
      }),
      getChaincodeEvents: (_cc, options) => {
        this.eventRequests.push(options ?? {});
        const items = this.eventStreams.shift();
        if (items === undefined) return Promise.reject(grpcError('GatewayError', GrpcStatus.UNAVAILABLE, 'no stream'));
        return Promise.resolve(fakeStream(items));
      },
    };
  }

  #gateway(): GatewayLike {
    const decode = (bytes: Uint8Array): { txId: string; fn?: string; args?: string[] } =>
      JSON.parse(new TextDecoder().decode(bytes)) as { txId: string; fn?: string; args?: string[] };
    return {
      getNetwork: () => this.#network(),
      newProposal: (bytes) => {
        const p = decode(bytes);
        return this.#proposal(p.txId, p.fn ?? '', p.args ?? []);
      },
      newTransaction: (bytes) => {
        const t = decode(bytes);
        return this.#transaction(t.txId, t.fn ?? '');
      },
      newCommit: (bytes) => this.#commit(decode(bytes).txId),
      close: () => {
        this.closed = true;
      },
    };
  }
}

/** A stream that yields the scripted events, throws a scripted error, or ends when closed or exhausted (then waits). */
function fakeStream(items: (ChaincodeEvent | Error)[]): CloseableAsyncIterable<ChaincodeEvent> {
  let closed = false;
  let wake: (() => void) | undefined;
  const close = (): void => {
    closed = true;
    wake?.();
  };
  return {
    close,
    [Symbol.dispose]: close,
    async *[Symbol.asyncIterator]() {
      for (const item of items) {
        if (closed) return;
        await Promise.resolve();
        if (item instanceof Error) throw item;
        yield item;
      }
      // Like a live stream: stay open until closed.
      while (!closed) await new Promise<void>((resolve) => (wake = resolve));
      throw grpcError('GatewayError', GrpcStatus.CANCELLED, 'Cancelled on client');
    },
  };
}
