/**
 * Partial sums and the result. The chaincode verifies every partial against the aggregated
 * commitments of the dealers it covers — F·G + G'·H == Σ_k j^k · Σ_i C_{i,b,k} per bucket — and
 * records an invalid one with the mall named, never counting it. Any t valid partials then give
 * the totals, which are checked once more against Σ_i C_{i,b,0} before they are written.
 */
import { txTimeIso } from '../common/clock';
import { MallContext, getJson, key, put } from '../common/state';
import { Fields } from '../common/validate';
import { jointStatsError } from './jointstats.errors';
import { participantCaller } from './round.lifecycle';
import {
  COMPLAINT,
  ComplaintRecord,
  DEAL,
  DealRecord,
  JOIN,
  PARTIAL,
  PartialRecord,
  RESULT,
  ResultRecord,
  RoundRecord,
  countedDealers,
  getResult,
  isCurrent,
  listOf,
  phaseOf,
  qualifiedDeals,
  requireRound,
} from './round.model';
import { encodingError, parsePartial, roundIdOf } from './round.parse';
import {
  EncodedPartial,
  PartialShapeError,
  Point,
  Share,
  bucketCommitments,
  decodeCommitments,
  decodePartial,
  encodeScalar,
  indexOf,
  invalidBuckets,
  reconstruct,
  verifyTotal,
} from './vss';

const MAX_TOTAL = BigInt(Number.MAX_SAFE_INTEGER);

/** The round's state after dealing closed: deals, per-bucket dealers and their aggregated commitments. */
interface Aggregation {
  round: RoundRecord;
  /** The qualified deals (Q): dealers with an upheld complaint are left out. */
  deals: DealRecord[];
  complaints: ComplaintRecord[];
  counted: (number[] | null)[];
  aggregated: (Point[] | null)[];
}

async function aggregationOf(ctx: MallContext, round: RoundRecord, what: string): Promise<Aggregation> {
  const [joins, allDeals, complaints, result] = await Promise.all([
    listOf(ctx, JOIN, round.roundId),
    listOf<DealRecord>(ctx, DEAL, round.roundId),
    listOf<ComplaintRecord>(ctx, COMPLAINT, round.roundId),
    getResult(ctx, round.roundId),
  ]);
  const phase = phaseOf(ctx, round, joins.length, allDeals.length, result !== undefined);
  if (phase !== 'aggregating') {
    throw jointStatsError('JOINTSTATS_PHASE', `round ${round.roundId} is ${phase}; ${what} needs dealing closed`);
  }
  const deals = qualifiedDeals(allDeals, complaints);
  const counted = countedDealers(round, deals);
  const commitments = deals.map((d) => decodeCommitments(d.commitments, round.buckets, round.threshold));
  return { round, deals, complaints, counted, aggregated: bucketCommitments(commitments, counted, round.threshold) };
}

function decodeValues(raw: unknown, counted: readonly (number[] | null)[]): (Share | null)[] {
  try {
    return decodePartial(
      raw,
      counted.map((c) => c === null),
    );
  } catch (e) {
    if (!(e instanceof PartialShapeError)) throw encodingError(e);
    throw jointStatsError(e.suppressedBucket ? 'JOINTSTATS_SMALL_GROUP' : 'JOINTSTATS_SHAPE', e.message);
  }
}

/**
 * A participant publishes its partial sums once per set of counted dealers: an invalid one is recorded, named and
 * never used; one made stale by a complaint upheld after it (it sums a disqualified dealer) may be replaced.
 */
export async function submitPartial(ctx: MallContext, f: Fields): Promise<PartialRecord> {
  const round = await requireRound(ctx, roundIdOf(f));
  const who = participantCaller(ctx, round);
  const req = parsePartial(f);
  const stateKey = key(ctx, PARTIAL, round.roundId, who.mspId);
  const agg = await aggregationOf(ctx, round, 'a partial');
  const earlier = await getJson<PartialRecord>(ctx, stateKey);
  if (
    earlier &&
    isCurrent(
      earlier,
      agg.deals.map((d) => d.dealer),
    )
  ) {
    throw jointStatsError('JOINTSTATS_DUPLICATE', `${who.mspId} has already published its partial in ${round.roundId}`);
  }
  if (agg.counted.every((c) => c === null)) {
    throw jointStatsError(
      'JOINTSTATS_SMALL_GROUP',
      `every bucket of ${round.roundId} has fewer than ${round.minContributors} contributors`,
    );
  }
  const values = decodeValues(req.values, agg.counted);
  const bad = invalidBuckets(agg.aggregated, indexOf(round, who.mspId), values);
  const record: PartialRecord = {
    roundId: round.roundId,
    participant: who.mspId,
    values: req.values as EncodedPartial,
    dealers: agg.deals.map((d) => d.dealer),
    valid: bad.length === 0,
    invalidBuckets: bad,
    submittedAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await put(ctx, 'jointstatsPartial', stateKey, record);
  return record;
}

function totalOf(agg: Aggregation, total: Share | null, b: number): number | null {
  const constant = agg.aggregated[b]?.[0];
  if (total === null || constant === undefined) return null;
  // Valid partials always reconstruct a total that opens the input commitments; check anyway.
  if (!verifyTotal(constant, total)) throw new Error(`bucket ${b}: reconstruction does not open the commitments`);
  return total.f <= MAX_TOTAL ? Number(total.f) : null;
}

/** Any participant finalizes once t valid partials are on the ledger. */
export async function finalizeRound(ctx: MallContext, f: Fields): Promise<ResultRecord> {
  const round = await requireRound(ctx, roundIdOf(f));
  participantCaller(ctx, round);
  const agg = await aggregationOf(ctx, round, 'finalizing');
  const partials = await listOf<PartialRecord>(ctx, PARTIAL, round.roundId);
  const dealers = agg.deals.map((d) => d.dealer);
  const valid = partials.filter((p) => p.valid && isCurrent(p, dealers));
  if (valid.length < round.threshold) {
    throw jointStatsError(
      'JOINTSTATS_TOO_FEW_PARTIALS',
      `round ${round.roundId} has ${valid.length} valid partial(s); ${round.threshold} are needed`,
    );
  }
  const used = valid.slice(0, round.threshold);
  const suppressed = agg.counted.map((c) => c === null);
  const totals = reconstruct(
    used.map((p) => ({ x: indexOf(round, p.participant), values: decodePartial(p.values, suppressed) })),
    round.threshold,
  );
  const dealt = [...dealers, ...agg.complaints.map((c) => c.dealer)];
  const result: ResultRecord = {
    roundId: round.roundId,
    totals: totals.map((t, b) => totalOf(agg, t, b)),
    blindings: totals.map((t) => (t === null ? null : encodeScalar(t.g))),
    outOfRange: totals.flatMap((t, b) => (t !== null && t.f > MAX_TOTAL ? [b] : [])),
    contributors: agg.counted.map((_, b) => agg.deals.filter((d) => !d.absent.includes(b)).length),
    suppressed: suppressed.flatMap((s, b) => (s ? [b] : [])),
    participants: round.participants,
    dealers,
    disqualified: agg.complaints.map((c) => ({ dealer: c.dealer, complainant: c.complainant, reason: c.reason })),
    neverDealt: round.participants.filter((p) => !dealt.includes(p)),
    partialsUsed: used.map((p) => p.participant),
    noPartial: round.participants.filter((p) => !partials.some((x) => x.participant === p)),
    invalidPartials: partials
      .filter((p) => !p.valid)
      .map((p) => ({ participant: p.participant, buckets: p.invalidBuckets })),
    finalizedAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await put(ctx, 'jointstatsResult', key(ctx, RESULT, round.roundId), result);
  return result;
}
