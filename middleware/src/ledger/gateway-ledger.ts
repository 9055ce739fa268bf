import * as grpc from '@grpc/grpc-js';
import { connect, type Gateway } from '@hyperledger/fabric-gateway';
import { EndpointPool } from './endpoint-pool';
import { listenChaincodeEvents } from './event-listener';
import { newFastSigner } from './fast-signer';
import { classify, errorDetails, messageOf } from './gateway-errors';
import {
  DEFAULT_DEADLINES,
  DEFAULT_RETRY,
  type Endpoint,
  type GatewayLike,
  type RetrySettings,
  type StageDeadlines,
} from './gateway-types';
import {
  LedgerError,
  LedgerTimeoutError,
  type EvaluateOptions,
  type LedgerCheckpoint,
  type LedgerEvent,
  type LedgerPort,
  type SubmitOptions,
  type SubmitResult,
  type TxStatus,
} from './ledger.port';
import { loadMspIdentity, loadTlsCaCert } from './msp-identity';
import type { LedgerConnection, PeerEndpointConfig } from './network-description';
import { chainHeight, lookupTransaction } from './qscc';
import { rejection, SubmitPolicy } from './submit-policy';

export interface GatewayLedgerOptions {
  readonly channel: string;
  readonly chaincode: string;
  readonly retry?: RetrySettings;
  readonly deadlines?: StageDeadlines;
  readonly reconnect?: { readonly initialMs: number; readonly maxMs: number };
  /** Deadline of `ping()`. */
  readonly pingMs?: number;
  readonly onEventReconnect?: (error: unknown, delayMs: number) => void;
}

/**
 * {@link LedgerPort} over the peer's Gateway service (@hyperledger/fabric-gateway), with the fast signer,
 * per-stage deadlines, Fabric's retry rules and failover between the peers of this mall's org.
 */
export class GatewayLedger implements LedgerPort {
  readonly #pool: EndpointPool;
  readonly #o: GatewayLedgerOptions;
  readonly #policy: SubmitPolicy;
  readonly #deadlines: StageDeadlines;

  constructor(endpoints: readonly Endpoint[], options: GatewayLedgerOptions) {
    this.#pool = new EndpointPool(endpoints);
    this.#o = options;
    this.#deadlines = options.deadlines ?? DEFAULT_DEADLINES;
    this.#policy = new SubmitPolicy({
      pool: this.#pool,
      channel: options.channel,
      chaincode: options.chaincode,
      retry: options.retry ?? DEFAULT_RETRY,
      lookup: (txId) => this.txStatus(txId),
    });
  }

  /** Load the identity, dial every peer of the connection and return a ready ledger. */
  static async connect(
    c: LedgerConnection,
    options: Omit<GatewayLedgerOptions, 'channel' | 'chaincode'> = {},
  ): Promise<GatewayLedger> {
    const identity = await loadMspIdentity(c.mspId, c.mspDir);
    const { signer, hash } = newFastSigner(identity.privateKey);
    const deadlines = options.deadlines ?? DEFAULT_DEADLINES;
    const endpoints: Endpoint[] = [];
    for (const peer of c.peers) {
      const client = await newGrpcClient(peer);
      const gateway: Gateway = connect({
        client,
        identity: { mspId: identity.mspId, credentials: identity.credentials },
        signer,
        hash,
        ...stageOptions(deadlines),
      });
      endpoints.push({
        name: `${peer.address} (${peer.hostOverride})`,
        gateway,
        close: () => {
          gateway.close();
          client.close();
        },
      });
    }
    return new GatewayLedger(endpoints, { ...options, channel: c.channel, chaincode: c.chaincode });
  }

  submit(fn: string, args: readonly string[], opts?: SubmitOptions): Promise<SubmitResult> {
    return this.#policy.submit(fn, args, opts);
  }

  resubmit(envelope: Uint8Array): Promise<SubmitResult> {
    return this.#policy.resubmit(envelope);
  }

  /** Evaluate on the current peer; on a timeout or an unreachable peer, once more on the next one. */
  async evaluate(fn: string, args: readonly string[], opts: EvaluateOptions = {}): Promise<Uint8Array> {
    const tries = Math.max(1, Math.min(2, this.#pool.size));
    let lastError: unknown;
    for (let i = 0; i < tries; i++) {
      const endpoint = this.#pool.current();
      const proposal = this.#gateway(endpoint)
        .getNetwork(this.#o.channel)
        .getContract(this.#o.chaincode)
        .newProposal(fn, { arguments: [...args], ...(opts.transient ? { transientData: { ...opts.transient } } : {}) });
      try {
        return await proposal.evaluate();
      } catch (err) {
        lastError = err;
        const kind = classify(err);
        if (kind === 'rejected') throw rejection(err);
        if (kind === 'fatal')
          throw new LedgerError(`evaluate ${fn}: ${messageOf(err)}`, { cause: err, details: errorDetails(err) });
        this.#pool.failover(endpoint);
      }
    }
    if (classify(lastError) === 'timeout') {
      throw new LedgerTimeoutError('evaluate', `evaluate ${fn} timed out`, { cause: lastError });
    }
    throw new LedgerError(`evaluate ${fn}: no peer reachable (${messageOf(lastError)})`, { cause: lastError });
  }

  chaincodeEvents(
    fromBlock: bigint | undefined,
    onEvent: (e: LedgerEvent) => Promise<void>,
    signal: AbortSignal,
    after?: LedgerCheckpoint,
  ): Promise<void> {
    return listenChaincodeEvents(
      {
        pool: this.#pool,
        channel: this.#o.channel,
        chaincode: this.#o.chaincode,
        reconnect: this.#o.reconnect ?? { initialMs: 200, maxMs: 10_000 },
        height: (endpoint) => chainHeight(endpoint.gateway.getNetwork(this.#o.channel), this.#o.channel),
        ...(this.#o.onEventReconnect ? { onReconnect: this.#o.onEventReconnect } : {}),
      },
      fromBlock,
      onEvent,
      signal,
      after,
    );
  }

  txStatus(txId: string): Promise<TxStatus> {
    if (!/^[0-9a-f]{64}$/.test(txId) && !/^[\w-]{1,128}$/.test(txId)) {
      return Promise.reject(new LedgerError(`invalid transaction ID '${txId}'`));
    }
    return lookupTransaction(this.#gateway(this.#pool.current()).getNetwork(this.#o.channel), this.#o.channel, txId);
  }

  /** `true` when the current peer answers `GetChainInfo` for the channel within the ping deadline. */
  async ping(): Promise<boolean> {
    const network = this.#gateway(this.#pool.current()).getNetwork(this.#o.channel);
    const deadline = this.#o.pingMs ?? Math.min(this.#deadlines.evaluateMs, 3000);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, deadline);
    });
    try {
      return await Promise.race([chainHeight(network, this.#o.channel).then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.#pool.close();
  }

  #gateway(endpoint: Endpoint): GatewayLike {
    return endpoint.gateway;
  }
}

function stageOptions(
  d: StageDeadlines,
): Pick<Parameters<typeof connect>[0], 'evaluateOptions' | 'endorseOptions' | 'submitOptions' | 'commitStatusOptions'> {
  const within = (ms: number) => (): grpc.CallOptions => ({ deadline: Date.now() + ms });
  return {
    evaluateOptions: within(d.evaluateMs),
    endorseOptions: within(d.endorseMs),
    submitOptions: within(d.submitMs),
    commitStatusOptions: within(d.commitStatusMs),
  };
}

/** gRPC channel to a peer: TLS with its org's CA, dialled at 127.0.0.1 but verified against its host name. */
async function newGrpcClient(peer: PeerEndpointConfig): Promise<grpc.Client> {
  const tlsRoot = await loadTlsCaCert(peer.tlsCACertPath);
  return new grpc.Client(peer.address, grpc.credentials.createSsl(tlsRoot), {
    'grpc.ssl_target_name_override': peer.hostOverride,
    'grpc.default_authority': peer.hostOverride,
    // Notice a dead peer within seconds even on an idle connection (event streams).
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
}
