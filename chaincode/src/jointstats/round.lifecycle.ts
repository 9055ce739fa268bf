/**
 * Proposing, joining and dealing. The chaincode never sees a share in the clear: it checks that
 * a deal has the round's shape (buckets × t canonical commitments, one well-formed blob for every
 * other participant), and it is the bulletin board the malls read the blobs addressed to them from.
 */
import { createHash } from 'node:crypto';
import { txTimeIso, txTimeMs } from '../common/clock';
import { inputError } from '../common/errors';
import { Caller, caller, requireAdminOf, requireOrgUser } from '../common/identity';
import { MallContext, exists, getJson, key, put } from '../common/state';
import { type AttestationRecord, attestationKey, getDevice } from '../devices/device.model';
import { Fields } from '../common/validate';
import { jointStatsError } from './jointstats.errors';
import {
  DEAL,
  DealRecord,
  JOIN,
  JoinRecord,
  ROUND,
  RoundRecord,
  SHARE,
  getResult,
  implicitCollection,
  listOf,
  phaseOf,
  requireParticipant,
  requireRound,
} from './round.model';
import {
  type DealRequest,
  type EvidenceRef,
  checkDeadline,
  encodingError,
  parseDeal,
  parseJoin,
  parseProposal,
  roundIdOf,
} from './round.parse';
import { decodeBlob, decodeCommitments, plaintextLength } from './vss';

/** A participant's admin proposes; the proposal fixes everything the math and the privacy rule need. */
export async function proposeRound(ctx: MallContext, f: Fields): Promise<RoundRecord> {
  const who = requireAdminOf(ctx, caller(ctx).mspId);
  const p = parseProposal(f);
  if (!p.participants.includes(who.mspId)) throw inputError('participants', `must include the proposer ${who.mspId}`);
  checkDeadline(p.deadlineMs, txTimeMs(ctx));
  const stateKey = key(ctx, ROUND, p.roundId);
  if (await exists(ctx, stateKey)) throw jointStatsError('JOINTSTATS_DUPLICATE', `round ${p.roundId} already exists`);
  const { deadlineMs, attested, shareDelivery, ...rest } = p;
  const round: RoundRecord = {
    ...rest,
    ...(attested ? { attested: true } : {}),
    ...(shareDelivery === 'private' ? { shareDelivery: 'private' as const } : {}),
    deadline: new Date(deadlineMs).toISOString(),
    proposer: who.mspId,
    proposedAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await put(ctx, 'jointstatsRound', stateKey, round);
  return round;
}

function requireBeforeDeadline(ctx: MallContext, round: RoundRecord, what: string): void {
  if (txTimeMs(ctx) >= Date.parse(round.deadline)) {
    throw jointStatsError('JOINTSTATS_LATE', `${what} after the deadline ${round.deadline} of round ${round.roundId}`);
  }
}

/** A participant's admin joins, publishing the key its shares are encrypted to. */
export async function joinRound(ctx: MallContext, f: Fields): Promise<JoinRecord> {
  const who = requireAdminOf(ctx, caller(ctx).mspId);
  const req = parseJoin(f);
  const round = await requireRound(ctx, req.roundId);
  requireParticipant(round, who.mspId);
  requireBeforeDeadline(ctx, round, 'joining');
  const stateKey = key(ctx, JOIN, round.roundId, who.mspId);
  if (await exists(ctx, stateKey)) {
    throw jointStatsError('JOINTSTATS_DUPLICATE', `${who.mspId} has already joined round ${round.roundId}`);
  }
  const record: JoinRecord = {
    roundId: round.roundId,
    participant: who.mspId,
    publicKey: req.publicKey,
    joinedAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await put(ctx, 'jointstatsJoin', stateKey, record);
  return record;
}

/** The caller must be an admin or client of a participant mall. */
export function participantCaller(ctx: MallContext, round: RoundRecord): Caller {
  const who = requireOrgUser(ctx);
  requireParticipant(round, who.mspId);
  return who;
}

function checkShares(round: RoundRecord, dealer: string, shares: Fields, name = 'shares'): Record<string, string> {
  const expected = round.participants.filter((p) => p !== dealer);
  const given = Object.keys(shares).sort();
  if (given.join(',') !== expected.join(',')) {
    throw jointStatsError(
      'JOINTSTATS_SHAPE',
      `${name} must hold one blob for each other participant (${expected.join(', ')}); got ${given.join(', ') || 'none'}`,
    );
  }
  const out: Record<string, string> = {};
  for (const recipient of expected) {
    try {
      decodeBlob(shares[recipient], plaintextLength(round.buckets), `${name}.${recipient}`);
    } catch (e) {
      throw encodingError(e);
    }
    out[recipient] = shares[recipient] as string;
  }
  return out;
}

function checkCommitments(round: RoundRecord, raw: unknown): string[][] {
  if (
    !Array.isArray(raw) ||
    raw.length !== round.buckets ||
    raw.some((r) => !Array.isArray(r) || r.length !== round.threshold)
  ) {
    throw jointStatsError(
      'JOINTSTATS_SHAPE',
      `commitments must be ${round.buckets} buckets × ${round.threshold} points (one per coefficient)`,
    );
  }
  try {
    decodeCommitments(raw, round.buckets, round.threshold);
  } catch (e) {
    throw encodingError(e);
  }
  return raw as string[][];
}

type Cited = NonNullable<DealRecord['evidence']>[number][number];

/** One cited attestation: anchored, `traffic`, of a device of the dealer, its period overlapping [from, to). */
async function checkRef(
  ctx: MallContext,
  owners: Map<string, string | undefined>,
  dealer: string,
  b: number,
  ref: EvidenceRef,
  from: number,
  to: number,
): Promise<Cited> {
  const named = `${dealer}: bucket ${b} cites ${ref.deviceDid} seq ${ref.seq}`;
  if (!owners.has(ref.deviceDid)) owners.set(ref.deviceDid, (await getDevice(ctx, ref.deviceDid))?.ownerMsp);
  if (owners.get(ref.deviceDid) !== dealer) {
    throw jointStatsError('JOINTSTATS_UNATTESTED', `${named}, which is not a device of ${dealer}`);
  }
  const att = await getJson<AttestationRecord>(ctx, attestationKey(ctx, ref.deviceDid, ref.seq));
  if (!att) throw jointStatsError('JOINTSTATS_UNATTESTED', `${named}, which is not anchored`);
  const s = att.statement;
  if (s.kind !== 'traffic')
    throw jointStatsError('JOINTSTATS_UNATTESTED', `${named}, a ${s.kind} statement, not traffic`);
  const ps = Date.parse(s.periodStart);
  const pe = Date.parse(s.periodEnd);
  if (!(ps < to && (pe > from || ps === from))) {
    throw jointStatsError(
      'JOINTSTATS_UNATTESTED',
      `${named}, whose period ${s.periodStart}–${s.periodEnd} does not overlap the bucket ${new Date(from).toISOString()}–${new Date(to).toISOString()}`,
    );
  }
  return { deviceDid: ref.deviceDid, seq: ref.seq, statementHash: att.statementHash };
}

/**
 * Attested rounds: every bucket the dealer contributes to cites at least one anchored `traffic` attestation of a
 * device the dealer owns whose period overlaps the bucket; absent buckets cite none. The deal keeps each statement's
 * hash next to the commitments, so C_{b,0} is bound to statements the devices signed (docs/joint-stats.md).
 */
async function checkEvidence(
  ctx: MallContext,
  round: RoundRecord,
  dealer: string,
  absent: readonly number[],
  evidence: EvidenceRef[][] | undefined,
): Promise<DealRecord['evidence']> {
  if (!round.attested) {
    if (evidence !== undefined) throw inputError('evidence', `round ${round.roundId} is not attested: no evidence`);
    return undefined;
  }
  if (evidence === undefined) {
    throw jointStatsError('JOINTSTATS_UNATTESTED', `round ${round.roundId} is attested: the deal must carry evidence`);
  }
  const start = Date.parse(round.periodStart);
  const width = round.bucketMinutes * 60_000;
  const owners = new Map<string, string | undefined>();
  const out: Cited[][] = [];
  for (const [b, refs] of evidence.entries()) {
    if (absent.includes(b) && refs.length > 0) {
      throw jointStatsError('JOINTSTATS_SHAPE', `bucket ${b} is absent: it cites no evidence`);
    }
    if (!absent.includes(b) && refs.length === 0) {
      throw jointStatsError('JOINTSTATS_UNATTESTED', `${dealer}: bucket ${b} cites no device attestation`);
    }
    const cited: Cited[] = [];
    for (const ref of refs)
      cited.push(await checkRef(ctx, owners, dealer, b, ref, start + b * width, start + (b + 1) * width));
    out.push(cited);
  }
  return out;
}

/** A participant deals once, after everyone joined and before the deadline. */
export async function submitDeal(ctx: MallContext, f: Fields): Promise<DealRecord> {
  const round = await requireRound(ctx, roundIdOf(f));
  const who = participantCaller(ctx, round);
  const req = parseDeal(f, round.buckets);
  requireBeforeDeadline(ctx, round, 'dealing');
  const [joins, deals, result] = await Promise.all([
    listOf<JoinRecord>(ctx, JOIN, round.roundId),
    listOf<DealRecord>(ctx, DEAL, round.roundId),
    getResult(ctx, round.roundId),
  ]);
  if (deals.some((d) => d.dealer === who.mspId)) {
    throw jointStatsError('JOINTSTATS_DUPLICATE', `${who.mspId} has already dealt in round ${round.roundId}`);
  }
  const phase = phaseOf(ctx, round, joins.length, deals.length, result !== undefined);
  if (phase !== 'dealing') {
    throw jointStatsError(
      'JOINTSTATS_PHASE',
      `round ${round.roundId} is ${phase}; dealing needs every participant joined`,
    );
  }
  const commitments = checkCommitments(round, req.commitments);
  const delivered = round.shareDelivery === 'private' ? privateShares(ctx, round, who.mspId, req) : undefined;
  const shares = delivered ? {} : checkShares(round, who.mspId, ledgerShares(round, req));
  const evidence = await checkEvidence(ctx, round, who.mspId, req.absent, req.evidence);
  const record: DealRecord = {
    roundId: round.roundId,
    dealer: who.mspId,
    commitments,
    shares,
    ...(delivered ? { shareHashes: delivered.hashes } : {}),
    absent: req.absent,
    ...(evidence === undefined ? {} : { evidence }),
    dealtAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  if (delivered) {
    for (const [recipient, blob] of Object.entries(delivered.blobs)) {
      const at = key(ctx, SHARE, round.roundId, who.mspId);
      await ctx.stub.putPrivateData(implicitCollection(recipient), at, Buffer.from(blob, 'utf8'));
    }
  }
  await put(ctx, 'jointstatsDeal', key(ctx, DEAL, round.roundId, who.mspId), record);
  return record;
}

/** The SHA-256 (hex) a private-delivery deal and a complaint name a blob by. */
export function blobHash(blob: string): string {
  return createHash('sha256').update(blob, 'utf8').digest('hex');
}

/** Transient key of a private-delivery deal: JSON `{ <recipient msp>: blob }`. */
export const TRANSIENT_SHARES = 'shares';

function ledgerShares(round: RoundRecord, req: DealRequest): Fields {
  if (req.shareHashes !== undefined) {
    throw inputError('shareHashes', `round ${round.roundId} keeps its blobs on the ledger: send shares, not hashes`);
  }
  if (req.shares === undefined) throw inputError('shares', 'is required');
  return req.shares;
}

/** The transient `shares` of a private-delivery deal as a JSON object (its members are checked by the caller). */
function transientShares(ctx: MallContext, round: RoundRecord): Fields {
  const raw = ctx.stub.getTransient().get(TRANSIENT_SHARES);
  if (raw === undefined || raw.length === 0) {
    throw jointStatsError(
      'JOINTSTATS_SHAPE',
      `round ${round.roundId}: no transient "${TRANSIENT_SHARES}" with the blobs`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw inputError(`transient ${TRANSIENT_SHARES}`, 'must be a JSON object of blobs');
  }
  return parsed as Fields;
}

/**
 * Private delivery: the blobs come as transient data (never in the arguments, the write set or the event), each
 * checked like a ledger blob and against the SHA-256 the request names for it; the deal record keeps the hashes.
 * Every peer of the recipient's org is a member of its implicit collection, and a write to it is valid only with an
 * endorsement satisfying the recipient org's Endorsement policy: the deal commits only if a peer of every recipient
 * endorsed it, i.e. held the blob (docs/joint-stats.md, "Private delivery").
 */
function privateShares(
  ctx: MallContext,
  round: RoundRecord,
  dealer: string,
  req: DealRequest,
): { blobs: Record<string, string>; hashes: Record<string, string> } {
  if (req.shares !== undefined) {
    throw inputError(
      'shares',
      `round ${round.roundId} delivers shares through private data: send the blobs as transient "${TRANSIENT_SHARES}" and their SHA-256 as shareHashes`,
    );
  }
  if (req.shareHashes === undefined) throw inputError('shareHashes', 'is required in a private-delivery round');
  const blobs = checkShares(round, dealer, transientShares(ctx, round), `transient ${TRANSIENT_SHARES}`);
  const named = Object.keys(req.shareHashes).sort();
  const recipients = Object.keys(blobs).sort();
  if (named.join(',') !== recipients.join(',')) {
    throw jointStatsError(
      'JOINTSTATS_SHAPE',
      `shareHashes must name exactly the recipients of the blobs (${recipients.join(', ')}); got ${named.join(', ') || 'none'}`,
    );
  }
  const hashes: Record<string, string> = {};
  for (const recipient of recipients) {
    const hash = blobHash(blobs[recipient] ?? '');
    if (req.shareHashes[recipient] !== hash) {
      throw jointStatsError(
        'JOINTSTATS_SHARE_HASH',
        `shareHashes.${recipient} is not the SHA-256 of the transient blob for ${recipient}`,
      );
    }
    hashes[recipient] = hash;
  }
  return { blobs, hashes };
}
