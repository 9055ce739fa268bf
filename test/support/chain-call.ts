/**
 * Calls to the mallchain chaincode on the real network: each contract transaction takes one
 * JSON string and answers one, and a refusal comes back as a GatewayError whose details
 * carry the chaincode's `CODE: message`.
 */
import { GatewayError } from '@hyperledger/fabric-gateway';
import { NetworkDescription } from '../../fabric-network/src';
import { Connection, Role, connectAs, loadDescription } from './gateway';

export type { Role };

const decoder = new TextDecoder();

export const MALL_A = 'MallAMSP';
export const MALL_B = 'MallBMSP';

/** One identity connected to one peer. */
export class ChainUser {
  constructor(
    readonly label: string,
    readonly channel: string,
    private readonly connection: Connection,
  ) {}

  private contract(name: string): ReturnType<ReturnType<Connection['gateway']['getNetwork']>['getContract']> {
    return this.connection.gateway.getNetwork(this.channel).getContract('mallchain', name);
  }

  /** Submits `contract:tx` with a JSON request, waits for the commit and parses the answer. */
  async submit<T = Record<string, unknown>>(tx: string, request: unknown): Promise<T> {
    const { result } = await this.submitWithStatus(tx, request);
    return result as T;
  }

  /** Like submit, also giving the transaction ID and the block it committed in. */
  async submitWithStatus(tx: string, request: unknown): Promise<{ result: unknown; txId: string; block: bigint }> {
    const [contract, name] = split(tx);
    const arg = typeof request === 'string' ? request : JSON.stringify(request);
    const submitted = await this.contract(contract)
      .submitAsync(name, { arguments: [arg] })
      .catch((e: unknown) => {
        throw e instanceof GatewayError ? new RefusedError(`${this.label} ${tx}`, e) : e;
      });
    const status = await submitted.getStatus();
    if (!status.successful) throw new Error(`${tx} did not commit: validation code ${status.code}`);
    return {
      result: JSON.parse(decoder.decode(submitted.getResult())) as unknown,
      txId: submitted.getTransactionId(),
      block: status.blockNumber,
    };
  }

  /**
   * Submits with endorsements from `organizations` only and reports the validation code instead
   * of failing on an invalid transaction: for checking endorsement policies (0 = VALID,
   * 10 = ENDORSEMENT_POLICY_FAILURE).
   */
  async submitEndorsedBy(
    tx: string,
    request: unknown,
    organizations: string[],
  ): Promise<{ code: number; txId: string }> {
    const [contract, name] = split(tx);
    const arg = typeof request === 'string' ? request : JSON.stringify(request);
    const submitted = await this.contract(contract).submitAsync(name, {
      arguments: [arg],
      endorsingOrganizations: organizations,
    });
    const status = await submitted.getStatus();
    return { code: status.code, txId: submitted.getTransactionId() };
  }

  /** Evaluates a query on this user's own peer. */
  async query<T = Record<string, unknown>>(tx: string, request: unknown): Promise<T> {
    const [contract, name] = split(tx);
    const arg = typeof request === 'string' ? request : JSON.stringify(request);
    const bytes = await this.contract(contract)
      .evaluateTransaction(name, arg)
      .catch((e: unknown) => {
        throw e instanceof GatewayError ? new RefusedError(`${this.label} ${tx} (query)`, e) : e;
      });
    return JSON.parse(decoder.decode(bytes)) as T;
  }

  /**
   * Submits a transaction that must be refused and returns the chaincode's message. A
   * transaction that commits fails the test: this is how "nothing was written" starts.
   */
  async refused(tx: string, request: unknown): Promise<string> {
    return refusalOf(this.submit(tx, request), `${this.label} ${tx}`);
  }

  /** Evaluates a query that must be refused and returns the chaincode's message. */
  async queryRefused(tx: string, request: unknown): Promise<string> {
    return refusalOf(this.query(tx, request), `${this.label} ${tx} (query)`);
  }

  close(): void {
    this.connection.close();
  }
}

function split(tx: string): [string, string] {
  const [contract, name] = tx.split(':');
  if (!contract || !name) throw new Error(`transaction names look like contract:Name, got ${tx}`);
  return [contract, name];
}

/**
 * The chaincode's `CODE: message` from a gateway error: peers wrap it as
 * "chaincode response 500, CODE: message", once per endorsing peer.
 */
export function chaincodeMessage(error: GatewayError): string {
  const raw = error.details.length > 0 ? error.details.map((d) => d.message) : [error.message];
  const messages = raw.map((m) => m.replace(/^[\s\S]*?chaincode response \d+, /, ''));
  return [...new Set(messages)].join('\n');
}

/** A refused submit or query, carrying the chaincode's message. */
export class RefusedError extends Error {
  readonly chaincodeMessage: string;
  constructor(what: string, cause: GatewayError) {
    const message = chaincodeMessage(cause);
    super(`${what} refused: ${message}`, { cause });
    this.chaincodeMessage = message;
  }
}

async function refusalOf(attempt: Promise<unknown>, what: string): Promise<string> {
  const outcome = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (outcome === undefined) throw new Error(`${what} was accepted but should have been refused`);
  if (!(outcome instanceof RefusedError))
    throw outcome instanceof Error ? outcome : new Error(`${what} failed: ${JSON.stringify(outcome)}`);
  return outcome.chaincodeMessage;
}

/** The four org identities of the two malls, each connected to its own mall's peer. */
export interface Malls {
  d: NetworkDescription;
  aAdmin: ChainUser;
  aClient: ChainUser;
  bAdmin: ChainUser;
  bClient: ChainUser;
  close(): void;
}

export function userOf(d: NetworkDescription, mspId: string, role: Role, peerOrg = mspId): ChainUser {
  return new ChainUser(`${mspId} ${role}`, d.channel, connectAs(d, mspId, role, peerOrg));
}

export function connectMalls(): Malls {
  const d = loadDescription();
  const users = {
    aAdmin: userOf(d, MALL_A, 'admin'),
    aClient: userOf(d, MALL_A, 'client'),
    bAdmin: userOf(d, MALL_B, 'admin'),
    bClient: userOf(d, MALL_B, 'client'),
  };
  return {
    d,
    ...users,
    close: () => {
      for (const u of Object.values(users)) u.close();
    },
  };
}
