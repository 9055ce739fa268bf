/** Queries: a round with its progress, one deal (what a mall reads its blob from), and the rounds. */
import { Context } from 'fabric-contract-api';
import { requireOrgUser } from '../common/identity';
import { getJson, key, listByPrefix } from '../common/state';
import { Fields } from '../common/validate';
import { jointStatsError } from './jointstats.errors';
import {
  COMPLAINT,
  ComplaintRecord,
  DEAL,
  DealRecord,
  JOIN,
  JoinRecord,
  PARTIAL,
  PartialRecord,
  Phase,
  ROUND,
  ResultRecord,
  RoundRecord,
  SHARE,
  countedDealers,
  implicitCollection,
  getResult,
  isCurrent,
  listOf,
  phaseOf,
  requireParticipant,
  qualifiedDeals,
  requireRound,
} from './round.model';
import { roundIdOf } from './round.parse';
import { blobHash } from './round.lifecycle';
import { str } from '../common/validate';

export interface RoundView {
  round: RoundRecord;
  phase: Phase;
  joined: { participant: string; publicKey: string }[];
  dealt: string[];
  /** Buckets with too few contributors (known once dealing closed; partials leave them null). */
  suppressed: number[] | null;
  /** Dealers disqualified by an upheld complaint. */
  disqualified: { dealer: string; complainant: string; bucket: number | null; reason: string }[];
  /** `current`: sums exactly the dealers that count now (false once a later complaint disqualified one of them). */
  partials: { participant: string; valid: boolean; current: boolean; invalidBuckets: number[] }[];
  result: ResultRecord | null;
}

export async function getRound(ctx: Context, f: Fields): Promise<RoundView> {
  requireOrgUser(ctx);
  const round = await requireRound(ctx, roundIdOf(f));
  const [joins, deals, partials, complaints, result] = await Promise.all([
    listOf<JoinRecord>(ctx, JOIN, round.roundId),
    listOf<DealRecord>(ctx, DEAL, round.roundId),
    listOf<PartialRecord>(ctx, PARTIAL, round.roundId),
    listOf<ComplaintRecord>(ctx, COMPLAINT, round.roundId),
    getResult(ctx, round.roundId),
  ]);
  const phase = phaseOf(ctx, round, joins.length, deals.length, result !== undefined);
  const qualified = qualifiedDeals(deals, complaints);
  const dealers = qualified.map((d) => d.dealer);
  const counted = countedDealers(round, qualified);
  return {
    round,
    phase,
    joined: joins.map((j) => ({ participant: j.participant, publicKey: j.publicKey })),
    dealt: deals.map((d) => d.dealer),
    suppressed:
      phase === 'aggregating' || phase === 'final' ? counted.flatMap((c, b) => (c === null ? [b] : [])) : null,
    disqualified: complaints.map((c) => ({
      dealer: c.dealer,
      complainant: c.complainant,
      bucket: c.bucket,
      reason: c.reason,
    })),
    partials: partials.map((p) => ({
      participant: p.participant,
      valid: p.valid,
      current: isCurrent(p, dealers),
      invalidBuckets: p.invalidBuckets,
    })),
    result: result ?? null,
  };
}

/** One dealer's deal: its commitments and the blobs for every other participant. */
export async function getDeal(ctx: Context, f: Fields): Promise<DealRecord> {
  requireOrgUser(ctx);
  const round = await requireRound(ctx, roundIdOf(f));
  const dealer = str(f, 'dealer', { max: 64 });
  requireParticipant(round, dealer);
  const deal = await getJson<DealRecord>(ctx, key(ctx, DEAL, round.roundId, dealer));
  if (!deal) throw jointStatsError('JOINTSTATS_PHASE', `${dealer} has not dealt in round ${round.roundId}`);
  return deal;
}

/**
 * Private delivery: the blob `dealer` addressed to the caller's mall, read from the caller's implicit collection on
 * the peer that evaluates (one of the caller's own: no other peer holds it) and checked against the hash on the
 * channel. A peer that does not hold it (another org's, or one still reconciling) answers JOINTSTATS_SHARE_HASH.
 */
export async function getDealShare(
  ctx: Context,
  f: Fields,
): Promise<{ roundId: string; dealer: string; blob: string }> {
  const who = requireOrgUser(ctx);
  const deal = await getDeal(ctx, f);
  const round = await requireRound(ctx, deal.roundId);
  requireParticipant(round, who.mspId);
  const hash = deal.shareHashes?.[who.mspId];
  if (hash === undefined) {
    throw jointStatsError(
      'JOINTSTATS_PHASE',
      `${deal.dealer}'s deal in round ${round.roundId} holds no private blob for ${who.mspId}`,
    );
  }
  const raw = await ctx.stub.getPrivateData(implicitCollection(who.mspId), key(ctx, SHARE, round.roundId, deal.dealer));
  const blob = Buffer.from(raw).toString('utf8');
  if (blob.length === 0 || blobHash(blob) !== hash) {
    throw jointStatsError(
      'JOINTSTATS_SHARE_HASH',
      `this peer holds no blob from ${deal.dealer} for ${who.mspId} in round ${round.roundId} matching the deal's hash`,
    );
  }
  return { roundId: round.roundId, dealer: deal.dealer, blob };
}

/** Every round, optionally only those a mall takes part in. */
export async function listRounds(ctx: Context, f: Fields): Promise<{ rounds: RoundRecord[] }> {
  requireOrgUser(ctx);
  const participant = f.participant === undefined ? undefined : str(f, 'participant', { max: 64 });
  const rounds = (await listByPrefix<RoundRecord>(ctx, ROUND, [], 'joint-statistics rounds')).map((r) => r.value);
  return { rounds: participant === undefined ? rounds : rounds.filter((r) => r.participants.includes(participant)) };
}
