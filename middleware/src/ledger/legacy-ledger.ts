// Must precede the fabric-network import: sets the SDK's log routing before its loggers exist.
import './legacy-logging';
import {
  Gateway,
  Wallets,
  type Contract,
  type ContractEvent,
  type Network,
  type Transaction,
  type X509Identity,
} from 'fabric-network';
import { common, peer } from '@hyperledger/fabric-protos';
import {
  ChaincodeRejectedError,
  LedgerError,
  LedgerTimeoutError,
  MvccConflictError,
  parseChaincodeMessage,
  TransactionInvalidError,
  UNCODED_REJECTION,
  type LedgerCheckpoint,
  type LedgerEvent,
  type LedgerPort,
  type SubmitOptions,
  type SubmitResult,
  type TxStatus,
} from './ledger.port';
import { backoffDelay, sleep } from '../common/backoff';
import { DEFAULT_DEADLINES, DEFAULT_RETRY, type RetrySettings, type StageDeadlines } from './gateway-types';
import { buildConnectionProfile } from './legacy-profile';
import { loadMspIdentity } from './msp-identity';
import type { LedgerConnection } from './network-description';
import { isUnknownTxAnswer } from './qscc';
import { statusName } from './submit-policy';
import { messageOf } from './gateway-errors';

export interface LegacyLedgerOptions {
  readonly retry?: RetrySettings;
  readonly deadlines?: StageDeadlines;
}

/** `message=CODE: reason` inside the SDK's "No valid responses from any peers" text. */
const PEER_MESSAGE = /message=([\s\S]*?)(?:\n|$)/;
const CONFLICTS = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/**
 * {@link LedgerPort} on the legacy fabric-network 2.2 SDK, for peers without the Gateway service. The SDK submits
 * and waits for commit itself, so only the MVCC rule (new transaction) is applied here; a timeout is reported with
 * its tx ID for the caller to look up. Events use the SDK's contract listener.
 */
export class LegacyLedger implements LedgerPort {
  readonly #gateway: Gateway;
  readonly #network: Network;
  readonly #contract: Contract;
  readonly #channel: string;
  readonly #retry: RetrySettings;

  private constructor(gateway: Gateway, network: Network, chaincode: string, channel: string, retry: RetrySettings) {
    this.#gateway = gateway;
    this.#network = network;
    this.#contract = network.getContract(chaincode);
    this.#channel = channel;
    this.#retry = retry;
  }

  static async connect(c: LedgerConnection, options: LegacyLedgerOptions = {}): Promise<LegacyLedger> {
    const identity = await loadMspIdentity(c.mspId, c.mspDir);
    const wallet = await Wallets.newInMemoryWallet();
    const x509: X509Identity = {
      type: 'X.509',
      mspId: identity.mspId,
      credentials: { certificate: identity.certificatePem, privateKey: identity.privateKeyPem },
    };
    await wallet.put('client', x509);
    const d = options.deadlines ?? DEFAULT_DEADLINES;
    const gateway = new Gateway();
    await gateway.connect((await buildConnectionProfile(c)) as unknown as Record<string, unknown>, {
      wallet,
      identity: 'client',
      discovery: { enabled: false, asLocalhost: true },
      eventHandlerOptions: {
        commitTimeout: Math.ceil(d.commitStatusMs / 1000),
        endorseTimeout: Math.ceil(d.endorseMs / 1000),
      },
      queryHandlerOptions: { timeout: Math.ceil(d.evaluateMs / 1000) },
    });
    const network = await gateway.getNetwork(c.channel);
    return new LegacyLedger(gateway, network, c.chaincode, c.channel, options.retry ?? DEFAULT_RETRY);
  }

  async submit(fn: string, args: readonly string[], opts: SubmitOptions = {}): Promise<SubmitResult> {
    const attempts = opts.maxAttempts ?? this.#retry.maxAttempts;
    let lastTxId = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const tx = this.#newTransaction(fn, opts);
      lastTxId = tx.getTransactionId();
      // The SDK signs and sends in one call, so only the ID can be handed out (no envelope to re-send).
      if (opts.beforeSend) await opts.beforeSend({ txId: lastTxId });
      try {
        const result = await tx.submit(...args);
        const status = await this.txStatus(lastTxId);
        return { txId: lastTxId, blockNumber: status.blockNumber ?? 0n, result };
      } catch (err) {
        const mapped = mapLegacyError(err, lastTxId);
        if (!(mapped instanceof MvccConflictError)) throw mapped;
        if (attempt < attempts) await sleep(backoffDelay(attempt, this.#retry, true));
      }
    }
    throw new MvccConflictError(`${fn}: MVCC_READ_CONFLICT on all ${attempts} attempts`, { txId: lastTxId });
  }

  #newTransaction(fn: string, opts: SubmitOptions): Transaction {
    const tx = this.#contract.createTransaction(fn);
    if (opts.transient)
      tx.setTransient(Object.fromEntries(Object.entries(opts.transient).map(([k, v]) => [k, Buffer.from(v)])));
    if (opts.endorsingOrganizations) tx.setEndorsingOrganizations(...opts.endorsingOrganizations);
    return tx;
  }

  async evaluate(fn: string, args: readonly string[]): Promise<Uint8Array> {
    try {
      return await this.#contract.evaluateTransaction(fn, ...args);
    } catch (err) {
      throw mapLegacyError(err);
    }
  }

  async chaincodeEvents(
    fromBlock: bigint | undefined,
    onEvent: (e: LedgerEvent) => Promise<void>,
    signal: AbortSignal,
    after?: LedgerCheckpoint,
  ): Promise<void> {
    const start = after?.blockNumber ?? fromBlock;
    let skipThrough = after?.txId;
    let failure: unknown;
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const listener = async (e: ContractEvent): Promise<void> => {
      const txEvent = e.getTransactionEvent();
      const event: LedgerEvent = {
        blockNumber: BigInt(txEvent.getBlockEvent().blockNumber.toString()),
        txId: txEvent.transactionId,
        eventName: e.eventName,
        payload: e.payload ?? new Uint8Array(),
      };
      if (skipThrough !== undefined) {
        // Replaying the checkpoint block: drop events up to and including the last one already handled.
        if (event.blockNumber === start && event.txId !== skipThrough) return;
        const wasCheckpoint = event.txId === skipThrough;
        skipThrough = undefined;
        if (wasCheckpoint) return;
      }
      try {
        await onEvent(event);
      } catch (err) {
        failure = err;
        stop();
      }
    };
    signal.addEventListener(
      'abort',
      () => {
        stop();
      },
      { once: true },
    );
    await this.#contract.addContractListener(listener, {
      type: 'full',
      ...(start !== undefined ? { startBlock: start.toString() } : {}),
    });
    await stopped;
    this.#contract.removeContractListener(listener);
    if (failure !== undefined)
      throw failure instanceof Error ? failure : new LedgerError('event handler failed', { cause: failure });
  }

  async txStatus(txId: string): Promise<TxStatus> {
    if (!/^[\w-]{1,128}$/.test(txId)) throw new LedgerError(`invalid transaction ID '${txId}'`);
    const qscc = this.#network.getContract('qscc');
    let processed: peer.ProcessedTransaction;
    try {
      processed = peer.ProcessedTransaction.deserializeBinary(
        await qscc.evaluateTransaction('GetTransactionByID', this.#channel, txId),
      );
    } catch (err) {
      if (isUnknownTxAnswer(err, txId)) return { txId, found: false };
      throw mapLegacyError(err);
    }
    const block = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByTxID', this.#channel, txId));
    const header = block.getHeader();
    return {
      txId,
      found: true,
      validationCode: statusName(processed.getValidationcode()),
      ...(header ? { blockNumber: BigInt(header.getNumber()) } : {}),
    };
  }

  async ping(): Promise<boolean> {
    try {
      await this.#network.getContract('qscc').evaluateTransaction('GetChainInfo', this.#channel);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.#gateway.disconnect();
  }
}

/** Map the legacy SDK's errors onto the ledger's typed errors. */
export function mapLegacyError(err: unknown, txId?: string): LedgerError {
  const options = { cause: err, ...(txId ? { txId } : {}) };
  const tx = txId ?? 'the transaction';
  // By name: fabric-network 2.2 declares TransactionError in its types but does not export it at run time.
  const name = (err as Error | undefined)?.name;
  if (name === 'TimeoutError') {
    return new LedgerTimeoutError('commitStatus', `commit of ${tx} timed out; it may still commit`, options);
  }
  if (name === 'TransactionError') {
    return invalidation((err as { transactionCode?: string }).transactionCode ?? 'UNKNOWN', tx, options);
  }
  const message = messageOf(err);
  // Endorsement failures arrive as "No valid responses from any peers. Errors: peer=..., status=500, message=CODE: ..."
  const { code, reason } = parseChaincodeMessage(PEER_MESSAGE.exec(message)?.[1] ?? message);
  if (code !== UNCODED_REJECTION) return new ChaincodeRejectedError(code, reason, options);
  return new LedgerError(message, options);
}

function invalidation(code: string, tx: string, options: { cause: unknown; txId?: string }): LedgerError {
  if (CONFLICTS.has(code)) return new MvccConflictError(`${code} on ${tx}`, options);
  return new TransactionInvalidError(code, `transaction ${tx} invalidated: ${code}`, options);
}
