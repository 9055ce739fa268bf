/**
 * Complaints (docs/joint-stats.md, "Complaints"): a recipient whose blob from a dealer does not decrypt or does not
 * verify publishes the blob's ECDH point with a proof; the chaincode re-opens that one blob and, when the dealer is
 * at fault, disqualifies it. An unfounded complaint, or one whose proof fails, is refused and writes nothing.
 */
import { txTimeIso } from '../common/clock';
import { inputError } from '../common/errors';
import { MallContext, exists, key, put } from '../common/state';
import { Fields, ID_RULE, onlyMembers, str } from '../common/validate';
import { jointStatsError } from './jointstats.errors';
import { blobHash, participantCaller } from './round.lifecycle';
import {
  COMPLAINT,
  ComplaintRecord,
  DEAL,
  DealRecord,
  JOIN,
  JoinRecord,
  getResult,
  phaseOf,
  listOf,
  requireParticipant,
  requireRound,
  RoundRecord,
  shapeOf,
} from './round.model';
import { encodingError } from './round.parse';
import { ComplaintFinding, ComplaintProofError, decodeCommitments, judgeComplaint } from './vss';

const MEMBERS = new Set(['roundId', 'dealer', 'sharedPoint', 'c', 's', 'blob']);

interface ComplaintRequest {
  roundId: string;
  dealer: string;
  sharedPoint: string;
  c: string;
  s: string;
  /** Private delivery: the blob complained about, which must be the one the deal's hash names. */
  blob?: string;
}

function parseComplaint(f: Fields): ComplaintRequest {
  onlyMembers(f, MEMBERS, 'request');
  return {
    roundId: str(f, 'roundId', ID_RULE),
    dealer: str(f, 'dealer', { max: 64 }),
    sharedPoint: str(f, 'sharedPoint', { max: 66 }),
    c: str(f, 'c', { max: 64 }),
    s: str(f, 's', { max: 64 }),
    ...(f.blob === undefined ? {} : { blob: str(f, 'blob', { max: 16_000 }) }),
  };
}

function judge(
  round: RoundRecord,
  deal: DealRecord,
  recipient: string,
  publicKey: string,
  blob: string,
  proof: ComplaintRequest,
): ComplaintFinding {
  try {
    return judgeComplaint(
      shapeOf(round),
      { roundId: round.roundId, dealer: deal.dealer, recipient },
      decodeCommitments(deal.commitments, round.buckets, round.threshold),
      blob,
      publicKey,
      proof,
    );
  } catch (e) {
    if (e instanceof ComplaintProofError) throw jointStatsError('JOINTSTATS_COMPLAINT_PROOF', e.message);
    throw encodingError(e);
  }
}

/**
 * The blob under judgement. Ledger delivery: the one in the deal record. Private delivery: the complainant publishes
 * it with the complaint, and it counts only if its SHA-256 is the deal's, so every peer can still redo the check.
 */
function complainedBlob(
  round: RoundRecord,
  deal: DealRecord,
  complainant: string,
  given: string | undefined,
): string | undefined {
  if (deal.shareHashes === undefined) {
    if (given !== undefined)
      throw inputError('blob', `round ${round.roundId} keeps its blobs on the ledger: send none`);
    return deal.shares[complainant];
  }
  if (given === undefined) throw inputError('blob', `is required: round ${round.roundId} delivers blobs privately`);
  if (blobHash(given) !== deal.shareHashes[complainant]) {
    throw jointStatsError(
      'JOINTSTATS_SHARE_HASH',
      `blob is not the one ${deal.dealer}'s deal names for ${complainant} (SHA-256 differs)`,
    );
  }
  return given;
}

/** Files a complaint of the caller's mall against `dealer`; upheld → the dealer no longer counts in the round. */
export async function submitComplaint(ctx: MallContext, f: Fields): Promise<ComplaintRecord> {
  const req = parseComplaint(f);
  const round = await requireRound(ctx, req.roundId);
  const who = participantCaller(ctx, round);
  requireParticipant(round, req.dealer);
  if (req.dealer === who.mspId) throw inputError('dealer', 'a mall cannot complain about its own deal');
  const [joins, deals, result] = await Promise.all([
    listOf<JoinRecord>(ctx, JOIN, round.roundId),
    listOf<DealRecord>(ctx, DEAL, round.roundId),
    getResult(ctx, round.roundId),
  ]);
  const phase = phaseOf(ctx, round, joins.length, deals.length, result !== undefined);
  if (phase !== 'aggregating') {
    throw jointStatsError('JOINTSTATS_PHASE', `round ${round.roundId} is ${phase}; complaints need dealing closed`);
  }
  const stateKey = key(ctx, COMPLAINT, round.roundId, req.dealer);
  if (await exists(ctx, stateKey)) {
    throw jointStatsError('JOINTSTATS_DUPLICATE', `${req.dealer} is already disqualified in round ${round.roundId}`);
  }
  const deal = deals.find((d) => d.dealer === req.dealer);
  if (!deal) throw jointStatsError('JOINTSTATS_PHASE', `${req.dealer} has not dealt in round ${round.roundId}`);
  const join = joins.find((j) => j.participant === who.mspId);
  const blob = complainedBlob(round, deal, who.mspId, req.blob);
  if (!join || blob === undefined) throw new Error(`round ${round.roundId}: no join or blob of ${who.mspId}`);
  const finding = judge(round, deal, who.mspId, join.publicKey, blob, req);
  if (!finding.upheld) {
    throw jointStatsError(
      'JOINTSTATS_COMPLAINT_UNFOUNDED',
      `${who.mspId}'s blob from ${req.dealer} decrypts and ${finding.reason}`,
    );
  }
  const record: ComplaintRecord = {
    roundId: round.roundId,
    dealer: req.dealer,
    complainant: who.mspId,
    sharedPoint: req.sharedPoint,
    c: req.c,
    s: req.s,
    bucket: finding.bucket ?? null,
    reason: finding.reason,
    filedAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await put(ctx, 'jointstatsComplaint', stateKey, record);
  return record;
}
