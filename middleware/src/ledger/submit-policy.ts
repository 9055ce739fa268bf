import { StatusCode } from '@hyperledger/fabric-gateway';
import type { EndpointPool } from './endpoint-pool';
import { classify, chaincodeMessage, errorDetails, messageOf } from './gateway-errors';
import type { CommitLike, Endpoint, ProposalLike, RetrySettings, StatusLike, TransactionLike } from './gateway-types';
import { backoffDelay, sleep } from '../common/backoff';
import {
  ChaincodeRejectedError,
  EndorsementError,
  LedgerError,
  LedgerTimeoutError,
  MvccConflictError,
  parseChaincodeMessage,
  TransactionInvalidError,
  TransactionPendingError,
  type LedgerStage,
  type SubmitOptions,
  type SubmitResult,
  type TxStatus,
} from './ledger.port';

const CONFLICT_CODES: ReadonlySet<string> = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

export interface SubmitPolicyOptions {
  readonly pool: EndpointPool;
  readonly channel: string;
  readonly chaincode: string;
  readonly retry: RetrySettings;
  /** Asks the ledger whether a transaction committed (qscc); used before re-sending after a commit-status timeout. */
  readonly lookup: (txId: string) => Promise<TxStatus>;
}

/**
 * Submit with Fabric's retry rules: the same signed proposal/transaction (same transaction ID) after a timeout or
 * an unreachable peer, a new transaction after an MVCC conflict, nothing after a chaincode rejection.
 */
export class SubmitPolicy {
  readonly #o: SubmitPolicyOptions;

  constructor(options: SubmitPolicyOptions) {
    this.#o = options;
  }

  async submit(fn: string, args: readonly string[], opts: SubmitOptions = {}): Promise<SubmitResult> {
    const attempts = opts.maxAttempts ?? this.#o.retry.maxAttempts;
    let last: StatusLike | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const proposal = this.#newProposal(fn, args, opts);
      const { tx, endpoint } = await this.#endorse(proposal);
      const status = await this.#send(tx, endpoint, opts.beforeSend);
      if (status.successful)
        return { txId: status.transactionId, blockNumber: status.blockNumber, result: tx.getResult() };
      const codeName = statusName(status.code);
      // The same envelope was re-sent after a lost commit status: the first copy decides.
      if (codeName === 'DUPLICATE_TXID') return settleDuplicate(status.transactionId, this.#o.lookup, tx.getResult());
      if (!CONFLICT_CODES.has(codeName)) throw invalidation(codeName, status.transactionId);
      last = status;
      if (attempt < attempts) await sleep(backoffDelay(attempt, this.#o.retry, true));
    }
    throw allConflicted(fn, attempts, last);
  }

  /** Let the caller record the signed transaction, then order it and wait for its status. */
  async #send(tx: TransactionLike, endpoint: Endpoint, beforeSend: SubmitOptions['beforeSend']): Promise<StatusLike> {
    if (beforeSend) await beforeSend({ txId: tx.getTransactionId(), envelope: tx.getBytes() });
    return this.#commit(tx, endpoint);
  }

  /**
   * Send an already endorsed envelope again and wait for its status. A `DUPLICATE_TXID` answer means an earlier send
   * of it was ordered: the ledger is asked how that one ended ({@link settleDuplicate}); not found yet, it throws
   * {@link TransactionPendingError}, never {@link TransactionInvalidError}.
   */
  async resubmit(envelope: Uint8Array): Promise<SubmitResult> {
    const endpoint = this.#o.pool.current();
    const tx = endpoint.gateway.newTransaction(envelope);
    const status = await this.#commit(tx, endpoint);
    const txId = tx.getTransactionId();
    if (status.successful) return { txId, blockNumber: status.blockNumber, result: tx.getResult() };
    const codeName = statusName(status.code);
    if (codeName === 'DUPLICATE_TXID') return settleDuplicate(txId, this.#o.lookup, tx.getResult());
    throw invalidation(codeName, txId);
  }

  #newProposal(fn: string, args: readonly string[], opts: SubmitOptions): ProposalLike {
    const contract = this.#o.pool.current().gateway.getNetwork(this.#o.channel).getContract(this.#o.chaincode);
    return contract.newProposal(fn, {
      arguments: [...args],
      ...(opts.transient ? { transientData: { ...opts.transient } } : {}),
      ...(opts.endorsingOrganizations ? { endorsingOrganizations: [...opts.endorsingOrganizations] } : {}),
    });
  }

  /** Endorse the one signed proposal, on the next peer of the org when the current one does not answer. */
  async #endorse(proposal: ProposalLike): Promise<{ tx: TransactionLike; endpoint: Endpoint }> {
    const origin = this.#o.pool.current();
    let lastError: unknown;
    for (let i = 1; i <= this.#o.retry.sameTxAttempts; i++) {
      const endpoint = this.#o.pool.current();
      const onEndpoint = endpoint === origin ? proposal : endpoint.gateway.newProposal(proposal.getBytes());
      try {
        return { tx: await onEndpoint.endorse(), endpoint };
      } catch (err) {
        lastError = err;
        this.#throwUnlessTransient(err, 'endorse', proposal.getTransactionId());
        this.#o.pool.failover(endpoint);
        await sleep(backoffDelay(i, this.#o.retry, true));
      }
    }
    throw exhausted('endorse', proposal.getTransactionId(), lastError);
  }

  /** Submit the signed transaction and wait for its status; re-send the very same envelope when unsure. */
  async #commit(tx: TransactionLike, origin: Endpoint): Promise<StatusLike> {
    const txId = tx.getTransactionId();
    let commit: CommitLike | undefined;
    let lastError: unknown;
    for (let i = 1; i <= this.#o.retry.sameTxAttempts; i++) {
      const endpoint = this.#o.pool.current();
      try {
        if (commit === undefined) {
          commit = await (endpoint === origin ? tx : endpoint.gateway.newTransaction(tx.getBytes())).submit();
        }
        const onEndpoint = endpoint === origin ? commit : endpoint.gateway.newCommit(commit.getBytes());
        return await onEndpoint.getStatus();
      } catch (err) {
        lastError = err;
        this.#throwUnlessTransient(err, commit === undefined ? 'submit' : 'commitStatus', txId);
        if (commit !== undefined) commit = await this.#resendUnlessKnown(txId, commit);
        this.#o.pool.failover(endpoint);
        await sleep(backoffDelay(i, this.#o.retry, true));
      }
    }
    throw exhausted(commit === undefined ? 'submit' : 'commitStatus', txId, lastError);
  }

  /**
   * After a commit-status timeout: if no peer has the transaction, it may have been lost before ordering, so the
   * same envelope is submitted again (a duplicate can never commit twice: Fabric marks it DUPLICATE_TXID).
   */
  async #resendUnlessKnown(txId: string, commit: CommitLike): Promise<CommitLike | undefined> {
    try {
      const known = await this.#o.lookup(txId);
      return known.found ? commit : undefined;
    } catch {
      return commit;
    }
  }

  #throwUnlessTransient(err: unknown, stage: LedgerStage, txId: string): void {
    const kind = classify(err);
    if (kind === 'timeout' || kind === 'unavailable') return;
    if (kind === 'rejected') throw rejection(err, txId);
    const details = errorDetails(err);
    if (stage === 'endorse')
      throw new EndorsementError(`endorse ${txId}: ${messageOf(err)}`, { cause: err, details, txId });
    throw new LedgerError(`${stage} ${txId}: ${messageOf(err)}`, { cause: err, details, txId });
  }
}

/**
 * A resent envelope came back `DUPLICATE_TXID`: an earlier copy of the same transaction was ordered. Its own
 * validation code, looked up on the ledger, says how the item ended.
 */
export async function settleDuplicate(
  txId: string,
  lookup: (txId: string) => Promise<TxStatus>,
  result: Uint8Array,
): Promise<SubmitResult> {
  let first: TxStatus;
  try {
    first = await lookup(txId);
  } catch (err) {
    throw new TransactionPendingError(`${txId} was ordered before (DUPLICATE_TXID) and could not be looked up`, {
      cause: err,
      txId,
    });
  }
  const code = first.found ? first.validationCode : undefined;
  if (code === 'VALID' && first.blockNumber !== undefined) return { txId, blockNumber: first.blockNumber, result };
  // Only a found, final verdict on this very transaction ID may lead to a new transaction.
  if (code === undefined || code === 'VALID' || code === 'DUPLICATE_TXID') {
    const seen = code === undefined ? 'not found on the peer asked' : `${code}, block not known yet`;
    throw new TransactionPendingError(`${txId} was ordered before (DUPLICATE_TXID); its first copy is ${seen}`, {
      txId,
    });
  }
  throw invalidation(code, txId);
}

function allConflicted(fn: string, attempts: number, last: StatusLike | undefined): MvccConflictError {
  return new MvccConflictError(`${fn}: ${statusName(last?.code ?? 11)} on all ${attempts} attempts`, {
    txId: last?.transactionId,
  });
}

function invalidation(codeName: string, txId: string): LedgerError {
  if (CONFLICT_CODES.has(codeName)) return new MvccConflictError(`${codeName} on ${txId}`, { txId });
  return new TransactionInvalidError(codeName, `transaction ${txId} invalidated: ${codeName}`, { txId });
}

export function rejection(err: unknown, txId?: string): ChaincodeRejectedError {
  const { code, reason } = parseChaincodeMessage(chaincodeMessage(err) ?? messageOf(err));
  return new ChaincodeRejectedError(code, reason, {
    cause: err,
    details: errorDetails(err),
    ...(txId ? { txId } : {}),
  });
}

function exhausted(stage: LedgerStage, txId: string, err: unknown): LedgerError {
  if (classify(err) === 'timeout') {
    return new LedgerTimeoutError(stage, `${stage} of ${txId} timed out on every attempt; it may still commit`, {
      cause: err,
      txId,
    });
  }
  const message = `${stage} of ${txId}: no peer reachable (${messageOf(err)})`;
  return stage === 'endorse'
    ? new EndorsementError(message, { cause: err, details: errorDetails(err), txId })
    : new LedgerTimeoutError(stage, message, { cause: err, txId });
}

const STATUS_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(StatusCode).map(([name, code]): [number, string] => [code, name]),
);

/** Fabric's name for a transaction validation code (`MVCC_READ_CONFLICT` for 11). */
export function statusName(code: number): string {
  return STATUS_NAMES.get(code) ?? `VALIDATION_CODE_${code}`;
}
