import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ChaincodeRejectedError, type LedgerPort } from '../ledger.port';

/** `jointstats:ProposeRound` request (docs/joint-stats.md). */
export interface RoundProposal {
  readonly roundId: string;
  readonly metric: string;
  readonly siteLevel: string;
  readonly periodStart: string;
  readonly bucketMinutes: number;
  readonly buckets: number;
  readonly participants: readonly string[];
  readonly threshold: number;
  readonly minContributors?: number;
  /** Deals must cite, per bucket contributed, the dealer's anchored device attestations (docs/joint-stats.md). */
  readonly attested?: boolean;
  /**
   * `private`: each deal's blobs go as transient data into the recipients' implicit collections (only their SHA-256
   * on the channel), and a deal commits only when every recipient's peer endorsed it (docs/joint-stats.md).
   */
  readonly shareDelivery?: 'ledger' | 'private';
  readonly deadline: string;
}

export interface RoundRecord extends Omit<RoundProposal, 'minContributors'> {
  readonly minContributors: number;
  readonly proposer: string;
  readonly proposedAt: string;
  readonly txId: string;
}

export type RoundPhase = 'joining' | 'dealing' | 'aggregating' | 'final';

export interface RoundResult {
  readonly roundId: string;
  readonly totals: readonly (number | null)[];
  readonly blindings: readonly (string | null)[];
  readonly contributors: readonly number[];
  readonly outOfRange: readonly number[];
  readonly suppressed: readonly number[];
  readonly participants: readonly string[];
  readonly dealers: readonly string[];
  readonly disqualified: readonly { dealer: string; complainant: string; reason: string }[];
  readonly neverDealt: readonly string[];
  readonly partialsUsed: readonly string[];
  readonly noPartial: readonly string[];
  readonly invalidPartials: readonly { participant: string; buckets: number[] }[];
  readonly finalizedAt: string;
  readonly txId: string;
}

/** `jointstats:GetRound`. */
export interface RoundView {
  readonly round: RoundRecord;
  readonly phase: RoundPhase;
  readonly joined: readonly { participant: string; publicKey: string }[];
  readonly dealt: readonly string[];
  readonly suppressed: readonly number[] | null;
  readonly disqualified: readonly { dealer: string; complainant: string; bucket: number | null; reason: string }[];
  readonly partials: readonly { participant: string; valid: boolean; current: boolean; invalidBuckets: number[] }[];
  readonly result: RoundResult | null;
}

/** `jointstats:GetDeal`. */
export interface DealView {
  readonly roundId: string;
  readonly dealer: string;
  readonly commitments: string[][];
  readonly shares: Readonly<Record<string, string>>;
  /** Private delivery: the SHA-256 (hex) of each recipient's blob; `shares` is then {}. */
  readonly shareHashes?: Readonly<Record<string, string>>;
  readonly absent: readonly number[];
  /** Attested rounds: per bucket the cited attestations with the hash of the statement the device signed. */
  readonly evidence?: readonly (readonly { deviceDid: string; seq: number; statementHash: string }[])[];
}

/** A device attestation (`att/[deviceDid, seq]`) a deal cites for a bucket. */
export interface EvidenceRef {
  readonly deviceDid: string;
  readonly seq: number;
}

export interface DealRequest {
  readonly roundId: string;
  readonly commitments: readonly (readonly string[])[];
  readonly shares: Readonly<Record<string, string>>;
  readonly absent: readonly number[];
  readonly evidence?: readonly (readonly EvidenceRef[])[];
}

export interface ComplaintRequest {
  readonly roundId: string;
  readonly dealer: string;
  readonly sharedPoint: string;
  readonly c: string;
  readonly s: string;
  /** Private delivery: the blob complained about (the chaincode checks it against the deal's hash). */
  readonly blob?: string;
}

const FN = {
  propose: 'jointstats:ProposeRound',
  join: 'jointstats:JoinRound',
  deal: 'jointstats:SubmitDeal',
  partial: 'jointstats:SubmitPartial',
  complaint: 'jointstats:SubmitComplaint',
  finalize: 'jointstats:FinalizeRound',
  round: 'jointstats:GetRound',
  getDeal: 'jointstats:GetDeal',
  getDealShare: 'jointstats:GetDealShare',
  list: 'jointstats:ListRounds',
} as const;

/** SHA-256 (hex) of a blob, the name a private-delivery deal gives it on the channel. */
export function blobSha256(blob: string): string {
  return createHash('sha256').update(blob, 'utf8').digest('hex');
}

function request(value: unknown): string {
  return canonicalize(value) ?? '{}';
}

function decode(raw: Uint8Array): unknown {
  return JSON.parse(Buffer.from(raw).toString('utf8'));
}

/**
 * The `jointstats` contract as the middleware sees it: function names, encodings and results live here. Proposing
 * and joining need the mall's **admin** identity (the chaincode checks the NodeOU role), so this ledger is built on
 * an admin connection (`JointStatsModule`); every call of a round is idempotent by the ledger's own state (once per
 * mall), which is what lets the participation job re-drive a step after a crash without the intake.
 */
export class JointStatsLedger {
  constructor(private readonly ledger: LedgerPort) {}

  async propose(p: RoundProposal): Promise<void> {
    await this.ledger.submit(FN.propose, [request(p)]);
  }

  async join(roundId: string, publicKey: string): Promise<void> {
    await this.ledger.submit(FN.join, [request({ roundId, publicKey })]);
  }

  async deal(req: DealRequest): Promise<void> {
    await this.ledger.submit(FN.deal, [request(req)]);
  }

  /**
   * Private delivery: the blobs as transient `shares`, their SHA-256 in the request, and endorsement asked of a peer
   * of every participant. A write to a recipient's implicit collection is valid only with that org's endorsement, so
   * the deal commits only if every recipient's peer simulated it and holds its blob; one recipient peer down and the
   * deal fails here (and is retried by the job), it never commits without the blob.
   */
  async dealPrivately(
    req: DealRequest,
    participants: readonly string[],
    opts: { maxAttempts?: number; endorsingOrganizations?: readonly string[] } = {},
  ): Promise<void> {
    const { shares, ...rest } = req;
    const shareHashes = Object.fromEntries(Object.entries(shares).map(([m, blob]) => [m, blobSha256(blob)]));
    await this.ledger.submit(FN.deal, [request({ ...rest, shareHashes })], {
      transient: { shares: Buffer.from(JSON.stringify(shares), 'utf8') },
      endorsingOrganizations: [...(opts.endorsingOrganizations ?? participants)],
      ...(opts.maxAttempts === undefined ? {} : { maxAttempts: opts.maxAttempts }),
    });
  }

  /** Private delivery: the blob `dealer` addressed to this mall, read from this mall's own peer. */
  async dealShare(roundId: string, dealer: string): Promise<string> {
    const r = decode(await this.ledger.evaluate(FN.getDealShare, [request({ roundId, dealer })])) as { blob: string };
    return r.blob;
  }

  /** Answers whether the chaincode found the partial valid (an invalid one is recorded, naming this mall). */
  async partial(
    roundId: string,
    values: readonly ([string, string] | null)[],
  ): Promise<{ valid: boolean; invalidBuckets: number[] }> {
    const r = await this.ledger.submit(FN.partial, [request({ roundId, values })]);
    return decode(r.result) as { valid: boolean; invalidBuckets: number[] };
  }

  async complaint(req: ComplaintRequest): Promise<void> {
    await this.ledger.submit(FN.complaint, [request(req)]);
  }

  async finalize(roundId: string): Promise<RoundResult> {
    return decode((await this.ledger.submit(FN.finalize, [request({ roundId })])).result) as RoundResult;
  }

  /** The round and its progress, or undefined when the ledger has no such round (yet). */
  async round(roundId: string): Promise<RoundView | undefined> {
    try {
      return decode(await this.ledger.evaluate(FN.round, [request({ roundId })])) as RoundView;
    } catch (e) {
      if (e instanceof ChaincodeRejectedError && e.code === 'JOINTSTATS_UNKNOWN_ROUND') return undefined;
      throw e;
    }
  }

  async getDeal(roundId: string, dealer: string): Promise<DealView> {
    return decode(await this.ledger.evaluate(FN.getDeal, [request({ roundId, dealer })])) as DealView;
  }

  async list(participant?: string): Promise<RoundRecord[]> {
    const r = decode(
      await this.ledger.evaluate(FN.list, [request(participant === undefined ? {} : { participant })]),
    ) as { rounds: RoundRecord[] };
    return r.rounds;
  }
}
