import { SecretBox } from '../common/secret-box';
import { ChaincodeRejectedError } from '../ledger/ledger.port';
import type { DealRequest, JointStatsLedger, RoundView } from '../ledger/domain/jointstats.ledger';
import { type InputSource, UnattestedInputError } from './input-vector';
import type { Participation, ParticipationStore } from './participation.store';
import {
  type Share,
  ShareError,
  createDeal,
  decodeCommitments,
  decodeScalar,
  encodePartial,
  encodeScalar,
  generateShareKeyPair,
  openDealShares,
  proveComplaint,
  sumShares,
} from './vss';

/** What a mall keeps of its deal (sealed): the request it sends, its own shares, the openings and its input. */
interface KeptDeal {
  readonly request: DealRequest;
  /** Per bucket [f, g] of this mall's own share, 64 hex each. */
  readonly own: [string, string][];
  /** g_b(0) per bucket: with the input it opens C_{b,0} to an auditor. */
  readonly blindings: string[];
  /** The plain input, decimal strings: never leaves the mall. */
  readonly values: string[];
}

/** What one step did, for the log and the tests. */
export type StepOutcome =
  | 'proposed'
  | 'waiting for the round'
  | 'joined'
  | 'waiting for the others to join'
  | 'dealt'
  | 'waiting for the others to deal'
  | 'complained'
  | 'published a partial'
  | 'waiting for partials'
  | 'finalized'
  | 'done'
  | 'failed';

const keyContext = (roundId: string): string => `jointstats:key:${roundId}`;
const dealContext = (roundId: string): string => `jointstats:deal:${roundId}`;

/** Codes that mean "this mall's step is on the ledger already" (a crash after sending, a racing instance). */
const ALREADY = new Set(['JOINTSTATS_DUPLICATE']);

async function once(run: () => Promise<unknown>, already: ReadonlySet<string> = ALREADY): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof ChaincodeRejectedError && already.has(e.code)) return;
    throw e;
  }
}

/** A refusal the job cannot get past by trying again: the participation ends, naming it. */
class Terminal extends Error {
  override readonly name = 'Terminal';
}

/**
 * One mall's side of the protocol as a state machine over the ledger's view of the round and this mall's stored
 * participation: every step reads the round first and does only what the ledger does not have yet, and every
 * value that must stay the same across a crash (the round key, the deal) is stored before it is sent. So a
 * process killed between any two steps, or two instances of the mall, never deal twice or with two keys.
 */
export class RoundParticipant {
  readonly #box: SecretBox;

  constructor(
    private readonly me: string,
    private readonly ledger: JointStatsLedger,
    private readonly store: ParticipationStore,
    private readonly inputs: InputSource,
    sealingKey: string,
  ) {
    this.#box = new SecretBox(sealingKey);
  }

  /** Advances one participation by at most one ledger write. Infrastructure errors propagate (retry next tick). */
  async step(p: Participation): Promise<StepOutcome> {
    try {
      const view = await this.ledger.round(p.roundId);
      if (!view) {
        const proposal = p.proposal;
        if (!proposal) return 'waiting for the round';
        await once(() => this.ledger.propose(proposal));
        return 'proposed';
      }
      return await this.#advance(p, view);
    } catch (e) {
      if (e instanceof Terminal) {
        await this.store.finish(p.roundId, 'failed', e.message);
        return 'failed';
      }
      if (e instanceof ChaincodeRejectedError && e.code === 'JOINTSTATS_LATE') {
        await this.store.finish(p.roundId, 'failed', e.message);
        return 'failed';
      }
      await this.store.note(p.roundId, e instanceof Error ? e.message : String(e));
      throw e;
    }
  }

  async #advance(p: Participation, view: RoundView): Promise<StepOutcome> {
    if (!view.round.participants.includes(this.me)) throw new Terminal(`${this.me} does not take part in ${p.roundId}`);
    if (view.phase === 'final') {
      await this.store.finish(p.roundId, 'done', null);
      return 'done';
    }
    const joined = view.joined.find((j) => j.participant === this.me);
    if (!joined) return this.#join(p, view);
    if (joined.publicKey !== p.publicKey) {
      throw new Terminal(`the ledger holds another round key for ${this.me} in ${p.roundId} than this mall keeps`);
    }
    if (view.phase === 'joining') return 'waiting for the others to join';
    if (view.phase === 'dealing') {
      if (view.dealt.includes(this.me)) return 'waiting for the others to deal';
      const kept = await this.#keptDeal(p, view);
      if (view.round.shareDelivery === 'private') {
        await once(() => this.ledger.dealPrivately(kept.request, view.round.participants));
      } else {
        await once(() => this.ledger.deal(kept.request));
      }
      return 'dealt';
    }
    return this.#aggregate(p, view);
  }

  async #join(p: Participation, view: RoundView): Promise<StepOutcome> {
    if (view.phase !== 'joining') throw new Terminal(`${p.roundId} closed before ${this.me} joined`);
    let row = p;
    if (row.publicKey === null) {
      const pair = generateShareKeyPair();
      row = await this.store.keepKey(p.roundId, pair.publicKey, this.#box.seal(pair.secretKey, keyContext(p.roundId)));
    }
    const publicKey = row.publicKey ?? '';
    await once(() => this.ledger.join(p.roundId, publicKey));
    return 'joined';
  }

  #secretKey(p: Participation): string {
    if (!p.sealedKey) throw new Terminal(`the round key of ${p.roundId} is gone`);
    return this.#box.openText(p.sealedKey, keyContext(p.roundId));
  }

  #openDeal(p: Participation): KeptDeal {
    if (!p.sealedDeal) throw new Terminal(`${this.me} dealt in ${p.roundId} but keeps no deal (database restored?)`);
    return JSON.parse(this.#box.openText(p.sealedDeal, dealContext(p.roundId))) as KeptDeal;
  }

  /** The deal is made once and stored sealed before it is sent; a retry sends the very same deal. */
  async #keptDeal(p: Participation, view: RoundView): Promise<KeptDeal> {
    if (p.sealedDeal) return this.#openDeal(p);
    const input = await this.inputs.vector(view.round).catch((e: unknown) => {
      throw e instanceof UnattestedInputError ? new Terminal(e.message) : e;
    });
    const keys = Object.fromEntries(view.joined.map((j) => [j.participant, j.publicKey]));
    const { message, secrets } = createDeal(view.round, this.me, input.values, keys);
    const kept: KeptDeal = {
      request: {
        roundId: p.roundId,
        ...message,
        absent: input.absent,
        ...(input.evidence ? { evidence: input.evidence } : {}),
      },
      own: secrets.own.map((s) => [encodeScalar(s.f), encodeScalar(s.g)]),
      blindings: secrets.blindings.map(encodeScalar),
      values: input.values.map(String),
    };
    const row = await this.store.keepDeal(p.roundId, this.#box.seal(JSON.stringify(kept), dealContext(p.roundId)));
    return this.#openDeal(row);
  }

  async #aggregate(p: Participation, view: RoundView): Promise<StepOutcome> {
    const mine = view.partials.find((x) => x.participant === this.me);
    if (!mine?.current) {
      const suppressed = new Set(view.suppressed ?? []);
      if (suppressed.size === view.round.buckets) throw new Terminal(`every bucket of ${p.roundId} is suppressed`);
      const opened = await this.#open(p, view);
      if ('complaint' in opened) {
        await once(() => this.ledger.complaint(opened.complaint));
        return 'complained';
      }
      const values = opened.sums.map((s, b) => (suppressed.has(b) ? null : s));
      await once(() => this.ledger.partial(p.roundId, encodePartial(values)));
      return 'published a partial';
    }
    const valid = view.partials.filter((x) => x.valid && x.current).length;
    if (valid < view.round.threshold) return 'waiting for partials';
    await once(() => this.ledger.finalize(p.roundId), new Set(['JOINTSTATS_PHASE']));
    return 'finalized';
  }

  /** Opens and checks every counted dealer's shares to this mall; the first bad one becomes a complaint. */
  async #open(
    p: Participation,
    view: RoundView,
  ): Promise<{ sums: Share[] } | { complaint: Parameters<JointStatsLedger['complaint']>[0] }> {
    const { round } = view;
    const dealers = view.dealt.filter((d) => !view.disqualified.some((x) => x.dealer === d));
    const secretKey = this.#secretKey(p);
    const vectors: { absent: readonly number[]; shares: Share[] }[] = [];
    for (const dealer of dealers) {
      if (dealer === this.me) {
        const kept = this.#openDeal(p);
        const own = kept.own.map(([f, g]) => ({ f: decodeScalar(f), g: decodeScalar(g) }));
        vectors.push({ absent: kept.request.absent, shares: own });
        continue;
      }
      const deal = await this.ledger.getDeal(p.roundId, dealer);
      const privately = deal.shareHashes !== undefined;
      const blob = privately ? await this.ledger.dealShare(p.roundId, dealer) : (deal.shares[this.me] ?? '');
      try {
        const commitments = decodeCommitments(deal.commitments, round.buckets, round.threshold);
        vectors.push({
          absent: deal.absent,
          shares: openDealShares(round, dealer, this.me, commitments, blob, secretKey),
        });
      } catch (e) {
        if (!(e instanceof ShareError)) throw e;
        const ctx = { roundId: p.roundId, dealer, recipient: this.me };
        const proof = proveComplaint(ctx, blob, round.buckets, secretKey);
        return { complaint: { roundId: p.roundId, dealer, ...proof, ...(privately ? { blob } : {}) } };
      }
    }
    const perBucket = Array.from({ length: round.buckets }, (_, b) =>
      vectors.filter((v) => !v.absent.includes(b)).map((v) => v.shares[b] ?? { f: 0n, g: 0n }),
    );
    return { sums: sumShares(perBucket) };
  }
}
