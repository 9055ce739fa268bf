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
  list: 'jointstats:ListRounds',
} as const;

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
