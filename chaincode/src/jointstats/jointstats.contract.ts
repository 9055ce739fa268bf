import { Info, Returns, Transaction } from 'fabric-contract-api';
import { MallContract } from '../common/base.contract';
import { MallContext } from '../common/state';
import { parseRequest } from '../common/validate';
import { finalizeRound, submitPartial } from './round.aggregate';
import { submitComplaint } from './round.complaint';
import { joinRound, proposeRound, submitDeal } from './round.lifecycle';
import { getDeal, getDealShare, getRound, listRounds } from './round.query';

/**
 * Joint district statistics by verifiable secret-shared aggregation (docs/joint-stats.md): malls
 * propose and join rounds, deal Pedersen-committed shares of their figures encrypted to each
 * other, publish partial sums the chaincode verifies, and any t valid partials give the totals.
 * Every transaction takes one JSON `request` string and answers JSON.
 */
@Info({ title: 'jointstats', description: 'Verifiable secret-shared aggregation of district statistics' })
export class JointStatsContract extends MallContract {
  constructor() {
    super('jointstats');
  }

  @Transaction()
  @Returns('string')
  async ProposeRound(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await proposeRound(ctx, parseRequest(arg)));
  }

  @Transaction()
  @Returns('string')
  async JoinRound(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await joinRound(ctx, parseRequest(arg)));
  }

  /**
   * `{ roundId, commitments: [bucket][degree], shares: { <msp>: blob }, absent? }`; answers without the blobs. In a
   * round with `shareDelivery: "private"`: `shareHashes: { <msp>: sha256 hex }` instead of `shares`, and the blobs as
   * transient `shares` (JSON), written to each recipient's implicit collection.
   */
  @Transaction()
  @Returns('string')
  async SubmitDeal(ctx: MallContext, arg: string): Promise<string> {
    const deal = await submitDeal(ctx, parseRequest(arg));
    return JSON.stringify({ roundId: deal.roundId, dealer: deal.dealer, dealtAt: deal.dealtAt, txId: deal.txId });
  }

  @Transaction()
  @Returns('string')
  async SubmitPartial(ctx: MallContext, arg: string): Promise<string> {
    const p = await submitPartial(ctx, parseRequest(arg));
    return JSON.stringify({
      roundId: p.roundId,
      participant: p.participant,
      valid: p.valid,
      invalidBuckets: p.invalidBuckets,
      txId: p.txId,
    });
  }

  /** `{ roundId, dealer, sharedPoint, c, s }`: upheld, the dealer is disqualified; otherwise refused. */
  @Transaction()
  @Returns('string')
  async SubmitComplaint(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await submitComplaint(ctx, parseRequest(arg)));
  }

  @Transaction()
  @Returns('string')
  async FinalizeRound(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await finalizeRound(ctx, parseRequest(arg)));
  }

  @Transaction(false)
  @Returns('string')
  async GetRound(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await getRound(ctx, parseRequest(arg)));
  }

  @Transaction(false)
  @Returns('string')
  async GetDeal(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await getDeal(ctx, parseRequest(arg)));
  }

  /** Private delivery: `{ roundId, dealer }` → the blob for the caller's mall, from its implicit collection. */
  @Transaction(false)
  @Returns('string')
  async GetDealShare(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await getDealShare(ctx, parseRequest(arg)));
  }

  @Transaction(false)
  @Returns('string')
  async ListRounds(ctx: MallContext, arg: string): Promise<string> {
    return JSON.stringify(await listRounds(ctx, parseRequest(arg)));
  }
}
