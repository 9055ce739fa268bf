/**
 * The ledger as the rest of the middleware sees it: submit, evaluate, listen, ping.
 * Implementations: {@link GatewayLedger} (Fabric Gateway service) and {@link LegacyLedger} (fabric-network 2.2).
 * Business-facing ledgers (PointsLedger, DeviceLedger, …) are built on top of this port.
 */

/** Nest injection token for the {@link LedgerPort}. */
export const LEDGER = Symbol('LEDGER');

/** Per-call options for a submit. */
export interface SubmitOptions {
  /** Transient data (private inputs), passed to the chaincode but not written to the ledger. */
  readonly transient?: Readonly<Record<string, Uint8Array>>;
  /** Restrict endorsement to these MSP IDs (default: let the peer's discovery choose). */
  readonly endorsingOrganizations?: readonly string[];
  /** Overrides the configured number of attempts for this call (1 = no retry). */
  readonly maxAttempts?: number;
  /**
   * Awaited after each new transaction is signed and before it is sent to be ordered: the place to persist its ID
   * (and envelope) so that a process killed after sending can look the transaction up instead of sending another.
   * Called again for every new transaction (after an MVCC conflict); a throwing hook stops the submit unsent.
   */
  readonly beforeSend?: (tx: SignedTransaction) => Promise<void>;
}

/** A transaction about to be ordered. */
export interface SignedTransaction {
  readonly txId: string;
  /**
   * The signed, endorsed envelope, when the driver can send it again as is ({@link LedgerPort.resubmit});
   * absent for drivers that cannot (legacy SDK).
   */
  readonly envelope?: Uint8Array;
}

/** Per-call options for an evaluate. */
export interface EvaluateOptions {
  readonly transient?: Readonly<Record<string, Uint8Array>>;
}

/** The outcome of a committed (VALID) transaction. */
export interface SubmitResult {
  readonly txId: string;
  readonly blockNumber: bigint;
  /** The chaincode's response payload. */
  readonly result: Uint8Array;
}

/** One chaincode event from a committed, valid transaction. */
export interface LedgerEvent {
  readonly blockNumber: bigint;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
}

/** Where an event listener resumes: the block to start from and, inside it, the last transaction already handled. */
export interface LedgerCheckpoint {
  readonly blockNumber: bigint;
  readonly txId?: string;
}

/** Status of a past transaction looked up by its ID. */
export interface TxStatus {
  readonly txId: string;
  /** `false` when no peer knows the transaction (never reached the orderer, or not yet committed). */
  readonly found: boolean;
  /** Fabric validation code name (`VALID`, `MVCC_READ_CONFLICT`, …) when found. */
  readonly validationCode?: string;
  readonly blockNumber?: bigint;
}

export interface LedgerPort {
  /**
   * Endorse, order and wait for commit. Resolves only for a VALID transaction.
   * @throws ChaincodeRejectedError, MvccConflictError, LedgerTimeoutError, EndorsementError, LedgerError
   */
  submit(fn: string, args: readonly string[], opts?: SubmitOptions): Promise<SubmitResult>;
  /** Query a peer without writing. */
  evaluate(fn: string, args: readonly string[], opts?: EvaluateOptions): Promise<Uint8Array>;
  /**
   * Deliver chaincode events in ledger order, from `fromBlock` (inclusive; `undefined` = only new events).
   * `onEvent` is awaited before the next event; when it throws, the listener stops and the promise rejects
   * (the caller's checkpoint has not advanced, so a restart resumes at that event). Reconnects by itself
   * after a peer restart. Resolves when `signal` is aborted.
   */
  chaincodeEvents(
    fromBlock: bigint | undefined,
    onEvent: (e: LedgerEvent) => Promise<void>,
    signal: AbortSignal,
    after?: LedgerCheckpoint,
  ): Promise<void>;
  /**
   * Send a signed envelope from {@link SubmitOptions.beforeSend} again (same tx ID) and wait for its commit. Fabric
   * commits one transaction ID at most once, so this is safe when the first send may or may not have reached the
   * orderer. Optional: drivers that cannot re-send leave it out.
   * @throws MvccConflictError, TransactionInvalidError (then a new transaction is needed), LedgerTimeoutError, LedgerError
   */
  resubmit?(envelope: Uint8Array): Promise<SubmitResult>;
  /** Look up whether a transaction was committed (qscc GetTransactionByID). */
  txStatus(txId: string): Promise<TxStatus>;
  /** `true` when a peer answers a query for the chaincode within its deadline. */
  ping(): Promise<boolean>;
  close(): void;
}

/** Base of every error the ledger client raises. */
export class LedgerError extends Error {
  override name = 'LedgerError';
  /** Peer-supplied details (endpoint, MSP, message) when Fabric gave any. */
  readonly details: readonly LedgerErrorDetail[];
  readonly txId: string | undefined;

  constructor(
    message: string,
    options: { cause?: unknown; details?: readonly LedgerErrorDetail[]; txId?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.details = options.details ?? [];
    this.txId = options.txId;
  }
}

export interface LedgerErrorDetail {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

/** The chaincode refused the transaction; never retried. `code` is its stable prefix (`POINTS_INSUFFICIENT`). */
export class ChaincodeRejectedError extends LedgerError {
  override name = 'ChaincodeRejectedError';
  readonly code: string;
  /** The chaincode's message without the code prefix. */
  readonly reason: string;

  constructor(
    code: string,
    reason: string,
    options: { cause?: unknown; details?: readonly LedgerErrorDetail[]; txId?: string } = {},
  ) {
    super(`${code}: ${reason}`, options);
    this.code = code;
    this.reason = reason;
  }
}

/** A deadline passed. `txId` is set when the transaction may still commit: look it up before re-sending. */
export class LedgerTimeoutError extends LedgerError {
  override name = 'LedgerTimeoutError';
  readonly stage: LedgerStage;

  constructor(stage: LedgerStage, message: string, options: { cause?: unknown; txId?: string } = {}) {
    super(message, options);
    this.stage = stage;
  }
}

/** The transaction was invalidated by MVCC_READ_CONFLICT (or PHANTOM_READ_CONFLICT) on every attempt. */
export class MvccConflictError extends LedgerError {
  override name = 'MvccConflictError';
}

/**
 * The transaction was answered `DUPLICATE_TXID` (an earlier copy was ordered) but how that copy ended is not known
 * yet: the peer asked has no such transaction (lag, failover) or could not be asked. Never a reason to send a new
 * transaction for it; look it up again later.
 */
export class TransactionPendingError extends LedgerError {
  override name = 'TransactionPendingError';
}

/** Peers could not endorse (unreachable, policy not met, mismatching results) — not a chaincode rejection. */
export class EndorsementError extends LedgerError {
  override name = 'EndorsementError';
}

/** The transaction was committed with a validation code other than VALID (and not an MVCC conflict). */
export class TransactionInvalidError extends LedgerError {
  override name = 'TransactionInvalidError';
  readonly validationCode: string;

  constructor(validationCode: string, message: string, options: { cause?: unknown; txId?: string } = {}) {
    super(message, options);
    this.validationCode = validationCode;
  }
}

export type LedgerStage = 'evaluate' | 'endorse' | 'submit' | 'commitStatus' | 'events';

/**
 * Code used when a chaincode message carries no `UPPER_SNAKE:` prefix. Such a message (shim `GET_STATE failed`, a
 * crashed container) is no verdict of the chaincode: the gateway driver retries it as infrastructure.
 */
export const UNCODED_REJECTION = 'CHAINCODE_ERROR';

const CODE_AT_START = /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*):\s*([\s\S]*)$/;
const PEER_WRAPPER = /chaincode response \d+,\s*/;

/**
 * Split a chaincode message into its stable code and the human reason.
 * Peers wrap the chaincode's text (`... chaincode response 500, POINTS_INSUFFICIENT: ...`); the code is read
 * right after that wrapper, or at the start of a bare message.
 * @example parseChaincodeMessage('POINTS_INSUFFICIENT: balance 3 < 5') // { code: 'POINTS_INSUFFICIENT', reason: 'balance 3 < 5' }
 */
export function parseChaincodeMessage(message: string): { code: string; reason: string } {
  const wrapped = PEER_WRAPPER.exec(message);
  const text = wrapped ? message.slice(wrapped.index + wrapped[0].length) : message.trim();
  const m = CODE_AT_START.exec(text);
  if (m?.[1] !== undefined && m[2] !== undefined) return { code: m[1], reason: m[2].trim() };
  return { code: UNCODED_REJECTION, reason: text };
}
