/**
 * The slice of @hyperledger/fabric-gateway the ledger client uses, as structural types.
 * The real `Gateway` satisfies them; unit tests pass fakes that script peer behaviour (timeouts, conflicts).
 */
import type { CallOptions } from '@grpc/grpc-js';
import type {
  ChaincodeEvent,
  ChaincodeEventsOptions,
  CloseableAsyncIterable,
  ProposalOptions,
} from '@hyperledger/fabric-gateway';

export interface StatusLike {
  readonly blockNumber: bigint;
  readonly code: number;
  readonly successful: boolean;
  readonly transactionId: string;
}

export interface CommitLike {
  getTransactionId(): string;
  getBytes(): Uint8Array;
  getStatus(options?: CallOptions): Promise<StatusLike>;
}

export interface TransactionLike {
  getTransactionId(): string;
  getBytes(): Uint8Array;
  getResult(): Uint8Array;
  submit(options?: CallOptions): Promise<CommitLike>;
}

export interface ProposalLike {
  getTransactionId(): string;
  getBytes(): Uint8Array;
  evaluate(options?: CallOptions): Promise<Uint8Array>;
  endorse(options?: CallOptions): Promise<TransactionLike>;
}

export interface ContractLike {
  newProposal(transactionName: string, options?: ProposalOptions): ProposalLike;
}

export interface NetworkLike {
  getContract(chaincodeName: string): ContractLike;
  getChaincodeEvents(
    chaincodeName: string,
    options?: ChaincodeEventsOptions,
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>>;
}

export interface GatewayLike {
  getNetwork(channelName: string): NetworkLike;
  /** Rebuild an already signed proposal / transaction / commit request on this connection (failover, same tx ID). */
  newProposal(bytes: Uint8Array): ProposalLike;
  newTransaction(bytes: Uint8Array): TransactionLike;
  newCommit(bytes: Uint8Array): CommitLike;
  close(): void;
}

/** One peer of this mall's org, connected. */
export interface Endpoint {
  /** `127.0.0.1:7101 (peer0.mall-a.example.com)`, for errors and logs. */
  readonly name: string;
  readonly gateway: GatewayLike;
  /** Closes the gateway and its gRPC channel. */
  close(): void;
}

/** Per-stage deadlines in milliseconds. */
export interface StageDeadlines {
  readonly evaluateMs: number;
  readonly endorseMs: number;
  readonly submitMs: number;
  readonly commitStatusMs: number;
}

export interface RetrySettings {
  /** New-transaction attempts after MVCC_READ_CONFLICT / PHANTOM_READ_CONFLICT. */
  readonly maxAttempts: number;
  /** Re-sends of the same signed proposal / transaction after a timeout or an unreachable peer, per stage. */
  readonly sameTxAttempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_DEADLINES: StageDeadlines = {
  evaluateMs: 5_000,
  endorseMs: 15_000,
  submitMs: 5_000,
  commitStatusMs: 60_000,
};
export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 5, sameTxAttempts: 3, backoffMs: 100, maxBackoffMs: 5_000 };
