import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, UnavailableError } from '../common/errors';
import {
  JointStatsLedger,
  type RoundProposal,
  type RoundRecord,
  type RoundView,
} from '../ledger/domain/jointstats.ledger';
import type { ParticipationView, ProposeRoundDto } from './dto/round.dto';
import { notComputable } from './input-vector';
import type { Participation, ParticipationStore } from './participation.store';

export const PARTICIPATIONS = Symbol('PARTICIPATIONS');

export type RoundWithParticipation = RoundView & { participation: ParticipationView | null };

function dto(p: Participation): ParticipationView {
  return {
    roundId: p.roundId,
    state: p.state,
    proposer: p.proposal !== null,
    approvedAt: p.approvedAt.toISOString(),
    publicKey: p.publicKey,
    dealt: p.sealedDeal !== null,
    lastError: p.lastError,
  };
}

/** Same metric, level and buckets over overlapping time: two such rounds differ only by who took part. */
function overlaps(
  a: Pick<RoundRecord, 'metric' | 'siteLevel' | 'periodStart' | 'bucketMinutes' | 'buckets'>,
  b: typeof a,
): boolean {
  if (a.metric !== b.metric || a.siteLevel !== b.siteLevel) return false;
  const start = (r: typeof a): number => Date.parse(r.periodStart);
  const end = (r: typeof a): number => start(r) + r.bucketMinutes * r.buckets * 60_000;
  return start(a) < end(b) && start(b) < end(a);
}

/** The ledger's ProposeRound request for a checked body: participants sorted, times in one spelling. */
function proposalOf(body: ProposeRoundDto): RoundProposal {
  return {
    roundId: body.roundId,
    metric: body.metric,
    siteLevel: body.siteLevel,
    periodStart: new Date(body.periodStart).toISOString(),
    bucketMinutes: body.bucketMinutes,
    buckets: body.buckets,
    participants: [...body.participants].sort(),
    threshold: body.threshold,
    ...(body.minContributors === undefined ? {} : { minContributors: body.minContributors }),
    ...(body.attested === true ? { attested: true } : {}),
    ...(body.shareDelivery === 'private' ? { shareDelivery: 'private' as const } : {}),
    deadline: new Date(body.deadline).toISOString(),
  };
}

/**
 * Proposing and approving rounds, and reading them. Nothing here writes to the ledger: an approval is a row in
 * Postgres, which the participation job (`JointStatsJob`) carries to the ledger step by step.
 */
@Injectable()
export class JointStatsService {
  constructor(
    private readonly config: AppConfig,
    private readonly ledger: JointStatsLedger,
    @Inject(PARTICIPATIONS) private readonly store: ParticipationStore,
  ) {}

  #requireKey(): void {
    if (this.config.jointStatsKey === undefined) {
      throw new UnavailableError('joint statistics are off: JOINT_STATS_KEY (the key sealing round keys) is not set');
    }
  }

  /**
   * Refuses a round that, next to one this mall already approved, would reveal a mall's figure by subtraction:
   * same metric and level over overlapping time with a different set of participants (docs/joint-stats.md).
   */
  async #checkDifferencing(
    round: Omit<RoundRecord, 'proposer' | 'proposedAt' | 'txId' | 'minContributors'>,
  ): Promise<void> {
    const mine = new Set((await this.store.list(1000)).map((p) => p.roundId));
    const others = (await this.ledger.list(this.config.mallMspId)).filter(
      (r) => mine.has(r.roundId) && r.roundId !== round.roundId,
    );
    const clash = others.find(
      (r) => overlaps(r, round) && [...r.participants].sort().join(',') !== [...round.participants].sort().join(','),
    );
    if (clash) {
      throw new ConflictError(
        `round ${round.roundId} overlaps approved round ${clash.roundId} (same metric and level) with other participants: ` +
          'the difference of their totals would reveal a mall’s figure',
      );
    }
  }

  async propose(body: ProposeRoundDto): Promise<{ participation: ParticipationView; created: boolean }> {
    this.#requireKey();
    if (!body.participants.includes(this.config.mallMspId)) {
      throw new BadInputError(`participants must include this mall (${this.config.mallMspId})`);
    }
    if (new Set(body.participants).size !== body.participants.length)
      throw new BadInputError('participants: listed twice');
    if (body.threshold > body.participants.length)
      throw new BadInputError('threshold must be at most the participants');
    if (!Number.isFinite(Date.parse(body.deadline)) || Date.parse(body.deadline) <= Date.now()) {
      throw new BadInputError('deadline must be in the future');
    }
    const proposal = proposalOf(body);
    const why = notComputable(proposal);
    if (why !== null) throw new BadInputError(why);
    if (await this.ledger.round(body.roundId)) throw new ConflictError(`round ${body.roundId} already exists`);
    await this.#checkDifferencing(proposal);
    const { row, created } = await this.store.approve(body.roundId, proposal);
    if (!created && JSON.stringify(row.proposal) !== JSON.stringify(proposal)) {
      throw new ConflictError(`round ${body.roundId} was already proposed here with other terms`);
    }
    return { participation: dto(row), created };
  }

  /** Approves another mall's round: this mall's job joins, deals, publishes its partial and finalizes. */
  async approve(roundId: string): Promise<{ participation: ParticipationView; created: boolean }> {
    this.#requireKey();
    const view = await this.ledger.round(roundId);
    if (!view) throw new NotFoundError('round', roundId);
    const { round } = view;
    if (!round.participants.includes(this.config.mallMspId)) {
      throw new ForbiddenError(`${this.config.mallMspId} does not take part in round ${roundId}`);
    }
    const why = notComputable(round);
    if (why !== null) throw new BadInputError(`round ${roundId}: ${why}`);
    if (view.phase !== 'joining' && !(await this.store.get(roundId))) {
      throw new ConflictError(`round ${roundId} is ${view.phase}: too late to join`);
    }
    await this.#checkDifferencing(round);
    const { row, created } = await this.store.approve(roundId, null);
    return { participation: dto(row), created };
  }

  async list(): Promise<{ rounds: (RoundRecord & { participation: ParticipationView | null })[] }> {
    const [rounds, mine] = await Promise.all([this.ledger.list(this.config.mallMspId), this.store.list(1000)]);
    const byId = new Map(mine.map((p) => [p.roundId, dto(p)]));
    return { rounds: rounds.map((r) => ({ ...r, participation: byId.get(r.roundId) ?? null })) };
  }

  async get(roundId: string): Promise<RoundWithParticipation> {
    const [view, p] = await Promise.all([this.ledger.round(roundId), this.store.get(roundId)]);
    if (!view) throw new NotFoundError('round', roundId);
    return { ...view, participation: p ? dto(p) : null };
  }
}
