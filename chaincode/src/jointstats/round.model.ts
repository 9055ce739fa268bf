/**
 * Ledger records of a joint-statistics round. One key per event (the round, each join, each
 * deal, each partial, the result): no transaction of one mall writes a key another mall's
 * transaction writes, so rounds never conflict under MVCC except on purpose.
 */
import { Context } from 'fabric-contract-api';
import { txTimeMs } from '../common/clock';
import { getJson, key, listByPrefix } from '../common/state';
import { EncodedPartial, RoundShape } from './vss';
import { jointStatsError } from './jointstats.errors';

export const ROUND = 'jsround';
export const JOIN = 'jsjoin';
export const DEAL = 'jsdeal';
export const PARTIAL = 'jspartial';
export const RESULT = 'jsresult';
export const COMPLAINT = 'jscomplaint';
/** Private delivery: `jsshare/[roundId, dealer]` in the recipient's implicit collection holds the blob. */
export const SHARE = 'jsshare';

/** The implicit private data collection of a mall: only its peers hold the values, every peer their hashes. */
export function implicitCollection(mspId: string): string {
  return `_implicit_org_${mspId}`;
}

export interface RoundRecord {
  roundId: string;
  /** What is summed, e.g. `visitors` (hourly `inNum`), `salesFen`. */
  metric: string;
  siteLevel: string;
  periodStart: string;
  bucketMinutes: number;
  buckets: number;
  /** MSP IDs, sorted: participant j has x = j = position + 1. */
  participants: string[];
  threshold: number;
  minContributors: number;
  /** Deals must cite the dealer's device attestations per bucket (absent in rounds proposed before it existed). */
  attested?: boolean;
  /** `private`: blobs in the recipients' implicit collections (absent: on the channel, in the deal record). */
  shareDelivery?: 'private';
  deadline: string;
  proposer: string;
  proposedAt: string;
  txId: string;
}

export interface JoinRecord {
  roundId: string;
  participant: string;
  publicKey: string;
  joinedAt: string;
  txId: string;
}

export interface DealRecord {
  roundId: string;
  dealer: string;
  commitments: string[][];
  /** Ledger delivery: the blob of every other participant; {} under private delivery. */
  shares: Record<string, string>;
  /** Private delivery: SHA-256 (hex) of each recipient's blob, which sits in the recipient's implicit collection. */
  shareHashes?: Record<string, string>;
  /** Buckets the dealer has no figure for (not counted there: neither value nor contributor). */
  absent: number[];
  /**
   * Attested rounds: per bucket the attestations the dealer's input there comes from, each with the SHA-256 of the
   * statement its device signed; [] exactly for absent buckets. Binds C_{b,0} to signed device statements.
   */
  evidence?: { deviceDid: string; seq: number; statementHash: string }[][];
  dealtAt: string;
  txId: string;
}

export interface PartialRecord {
  roundId: string;
  participant: string;
  values: EncodedPartial;
  /** The dealers whose shares the partial must sum (all who dealt; per bucket minus `absent`). */
  dealers: string[];
  valid: boolean;
  /** Buckets whose (F, G) do not open the aggregated commitments. */
  invalidBuckets: number[];
  submittedAt: string;
  txId: string;
}

/** An upheld complaint: the dealer is disqualified (left out of Q) from then on. */
export interface ComplaintRecord {
  roundId: string;
  dealer: string;
  complainant: string;
  /** S = sk·E of the blob and the Chaum–Pedersen proof: anyone can re-open the blob and re-check. */
  sharedPoint: string;
  c: string;
  s: string;
  /** First bucket whose share does not match; null when the blob does not decrypt. */
  bucket: number | null;
  reason: string;
  filedAt: string;
  txId: string;
}

export interface ResultRecord {
  roundId: string;
  /** Per bucket: the district total, or null where suppressed (too few contributors). */
  totals: (number | null)[];
  /** Per bucket: Σ g_i(0), with the total it opens Σ C_{i,b,0} (anyone can check). */
  blindings: (string | null)[];
  /** Per bucket: how many dealers contributed to it. */
  contributors: number[];
  /** Buckets whose reconstructed total is not a count (≥ 2^53: some dealer shared a 'negative' input). */
  outOfRange: number[];
  suppressed: number[];
  participants: string[];
  /** The dealers counted: who dealt and was not disqualified. */
  dealers: string[];
  /** Dealers left out after an upheld complaint. */
  disqualified: { dealer: string; complainant: string; reason: string }[];
  neverDealt: string[];
  partialsUsed: string[];
  noPartial: string[];
  invalidPartials: { participant: string; buckets: number[] }[];
  finalizedAt: string;
  txId: string;
}

export function shapeOf(round: RoundRecord): RoundShape {
  return {
    roundId: round.roundId,
    participants: round.participants,
    threshold: round.threshold,
    buckets: round.buckets,
  };
}

export async function requireRound(ctx: Context, roundId: string): Promise<RoundRecord> {
  const round = await getJson<RoundRecord>(ctx, key(ctx, ROUND, roundId));
  if (!round) throw jointStatsError('JOINTSTATS_UNKNOWN_ROUND', `round ${roundId} does not exist`);
  return round;
}

export function requireParticipant(round: RoundRecord, mspId: string): void {
  if (!round.participants.includes(mspId)) {
    throw jointStatsError('JOINTSTATS_NOT_PARTICIPANT', `${mspId} does not take part in round ${round.roundId}`);
  }
}

/** The records of one kind of a round, in participant (key) order. */
export async function listOf<T>(ctx: Context, objectType: string, roundId: string): Promise<T[]> {
  return (await listByPrefix<T>(ctx, objectType, [roundId], `${objectType} records of round ${roundId}`, 1000)).map(
    (r) => r.value,
  );
}

export async function getResult(ctx: Context, roundId: string): Promise<ResultRecord | undefined> {
  return getJson<ResultRecord>(ctx, key(ctx, RESULT, roundId));
}

export type Phase = 'joining' | 'dealing' | 'aggregating' | 'final';

/** Where the round is: dealing closes at the deadline or as soon as every participant has dealt. */
export function phaseOf(ctx: Context, round: RoundRecord, joins: number, deals: number, final: boolean): Phase {
  if (final) return 'final';
  const closed = txTimeMs(ctx) >= Date.parse(round.deadline) || deals === round.participants.length;
  if (closed) return 'aggregating';
  return joins === round.participants.length ? 'dealing' : 'joining';
}

/**
 * Per bucket, the positions (in `deals`) of the dealers counted there, or null when fewer than
 * `minContributors` dealers contribute to it: such a bucket is suppressed before any partial is
 * published, since t partials of a one-dealer bucket would reconstruct that mall's figure.
 */
export function countedDealers(round: RoundRecord, deals: readonly DealRecord[]): (number[] | null)[] {
  return Array.from({ length: round.buckets }, (_, b) => {
    const counted = deals.flatMap((d, i) => (d.absent.includes(b) ? [] : [i]));
    return counted.length < round.minContributors ? null : counted;
  });
}

/** The deals that count: every deal but those of dealers with an upheld complaint. */
export function qualifiedDeals(deals: readonly DealRecord[], complaints: readonly ComplaintRecord[]): DealRecord[] {
  return deals.filter((d) => !complaints.some((c) => c.dealer === d.dealer));
}

/** Whether a partial sums exactly the dealers that count now (a complaint upheld after it makes it stale). */
export function isCurrent(partial: PartialRecord, dealers: readonly string[]): boolean {
  return partial.dealers.join(',') === dealers.join(',');
}
