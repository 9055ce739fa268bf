/** Parsing of jointstats requests; every error names the field. Nothing here reads state. */
import { DAY_MS } from '../common/clock';
import { inputError } from '../common/errors';
import { Fields, ID_RULE, asArray, asObject, bool, instant, int, onlyMembers, optInt, str } from '../common/validate';
import { DID_RULE } from '../dids/did.document';
import { EncodingError, decodePoint } from './vss';
import { jointStatsError } from './jointstats.errors';

export const MAX_PARTICIPANTS = 16;
export const MAX_BUCKETS = 168;
export const MIN_CONTRIBUTORS = 3;
export const MAX_DEADLINE_MS = 30 * DAY_MS;
/** Attestations one bucket of a deal may cite, and a whole deal (each is one state read at SubmitDeal). */
export const MAX_EVIDENCE_PER_BUCKET = 16;
export const MAX_EVIDENCE = 512;

const MSP_RULE = { max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, patternHint: 'must be an MSP ID' };
const NAME_RULE = { max: 64, pattern: /^[a-z][a-zA-Z0-9_.-]*$/, patternHint: 'must be a name such as visitors' };

export interface Proposal {
  roundId: string;
  metric: string;
  siteLevel: string;
  periodStart: string;
  bucketMinutes: number;
  buckets: number;
  participants: string[];
  threshold: number;
  minContributors: number;
  /** Every deal must cite, per bucket it contributes to, the dealer's anchored device attestations. */
  attested: boolean;
  /**
   * Where the deals' blobs go: `ledger` (default) into the deal record on the channel, the bulletin board; `private`
   * as transient data into each recipient's implicit collection, with only their SHA-256 on the channel.
   */
  shareDelivery: ShareDelivery;
  deadlineMs: number;
}

export type ShareDelivery = 'ledger' | 'private';

const PROPOSAL_MEMBERS = new Set([
  'roundId',
  'metric',
  'siteLevel',
  'periodStart',
  'bucketMinutes',
  'buckets',
  'participants',
  'threshold',
  'minContributors',
  'attested',
  'shareDelivery',
  'deadline',
]);

function participantsOf(f: Fields): string[] {
  const list = asArray(f.participants, 'participants', { min: 1, max: MAX_PARTICIPANTS }).map((p, i) =>
    str({ [`participants[${i}]`]: p }, `participants[${i}]`, MSP_RULE),
  );
  list.forEach((p, i) => {
    if (list.indexOf(p) !== i) throw inputError(`participants[${i}]`, `${p} is listed twice`);
  });
  return [...list].sort();
}

/** A ProposeRound request; small-group protection is a refusal, not an input error. */
export function parseProposal(f: Fields): Proposal {
  onlyMembers(f, PROPOSAL_MEMBERS, 'request');
  const participants = participantsOf(f);
  const minContributors =
    optInt(f, 'minContributors', { min: MIN_CONTRIBUTORS, max: MAX_PARTICIPANTS }) ?? MIN_CONTRIBUTORS;
  if (participants.length < minContributors) {
    throw jointStatsError(
      'JOINTSTATS_SMALL_GROUP',
      `a round needs at least ${minContributors} participants, so that no total is one mall's figure; got ${participants.length}`,
    );
  }
  const periodStartMs = instant(f, 'periodStart');
  return {
    roundId: str(f, 'roundId', ID_RULE),
    metric: str(f, 'metric', NAME_RULE),
    siteLevel: str(f, 'siteLevel', NAME_RULE),
    periodStart: new Date(periodStartMs).toISOString(),
    bucketMinutes: int(f, 'bucketMinutes', { min: 1, max: 1440 }),
    buckets: int(f, 'buckets', { min: 1, max: MAX_BUCKETS }),
    participants,
    threshold: int(f, 'threshold', { min: 2, max: participants.length }),
    minContributors,
    attested: f.attested === undefined ? false : bool(f, 'attested'),
    shareDelivery: shareDeliveryOf(f),
    deadlineMs: instant(f, 'deadline'),
  };
}

function shareDeliveryOf(f: Fields): ShareDelivery {
  if (f.shareDelivery === undefined) return 'ledger';
  const v = str(f, 'shareDelivery', { max: 16 });
  if (v !== 'ledger' && v !== 'private') throw inputError('shareDelivery', 'must be "ledger" or "private"');
  return v;
}

export function parseJoin(f: Fields): { roundId: string; publicKey: string } {
  onlyMembers(f, new Set(['roundId', 'publicKey']), 'request');
  const roundId = str(f, 'roundId', ID_RULE);
  return { roundId, publicKey: canonicalPoint(f.publicKey, 'publicKey') };
}

/** A compressed point in its one canonical spelling, or JOINTSTATS_ENCODING. */
export function canonicalPoint(value: unknown, name: string): string {
  try {
    decodePoint(value, name);
  } catch (e) {
    throw encodingError(e);
  }
  return value as string;
}

/** Maps a vss {@link EncodingError} to the contract's refusal; anything else is a bug and rethrown. */
export function encodingError(e: unknown): Error {
  return e instanceof EncodingError ? jointStatsError('JOINTSTATS_ENCODING', e.message) : (e as Error);
}

/** A device attestation a deal cites for a bucket: `att/[deviceDid, seq]` (docs/devices.md). */
export interface EvidenceRef {
  deviceDid: string;
  seq: number;
}

export interface DealRequest {
  roundId: string;
  commitments: unknown;
  /** Ledger delivery: the blobs themselves. */
  shares?: Fields;
  /** Private delivery: per recipient the SHA-256 (hex) of the blob sent as transient data. */
  shareHashes?: Fields;
  absent: number[];
  /** Per bucket the attestations the input of that bucket comes from; only in attested rounds. */
  evidence?: EvidenceRef[][];
}

function parseEvidence(raw: unknown, buckets: number): EvidenceRef[][] {
  const list = asArray(raw, 'evidence', { min: buckets, max: buckets });
  let total = 0;
  return list.map((entry, b) => {
    const refs = asArray(entry, `evidence[${b}]`, { max: MAX_EVIDENCE_PER_BUCKET });
    total += refs.length;
    if (total > MAX_EVIDENCE) throw inputError('evidence', `may cite at most ${MAX_EVIDENCE} attestations in all`);
    const seen = new Set<string>();
    return refs.map((r, i) => {
      const name = `evidence[${b}][${i}]`;
      const o = asObject(r, name);
      onlyMembers(o, new Set(['deviceDid', 'seq']), name);
      const ref = {
        deviceDid: str(o, 'deviceDid', DID_RULE),
        seq: int(o, 'seq', { min: 1, max: 2 ** 48 }),
      };
      const id = `${ref.deviceDid}#${ref.seq}`;
      if (seen.has(id)) throw inputError(name, `cites ${ref.deviceDid} seq ${ref.seq} twice`);
      seen.add(id);
      return ref;
    });
  });
}

/** A SubmitDeal request; `buckets` of the round bounds the `absent` indexes. */
export function parseDeal(f: Fields, buckets: number): DealRequest {
  onlyMembers(f, new Set(['roundId', 'commitments', 'shares', 'shareHashes', 'absent', 'evidence']), 'request');
  const roundId = str(f, 'roundId', ID_RULE);
  const raw = f.absent === undefined ? [] : asArray(f.absent, 'absent', { max: buckets });
  const absent = raw.map((b, i) => int({ [`absent[${i}]`]: b }, `absent[${i}]`, { max: buckets - 1 }));
  absent.forEach((b, i) => {
    if (i > 0 && b <= (absent[i - 1] ?? -1)) throw inputError('absent', 'must list bucket indexes in increasing order');
  });
  return {
    roundId,
    commitments: f.commitments,
    ...(f.shares === undefined ? {} : { shares: asObject(f.shares, 'shares') }),
    ...(f.shareHashes === undefined ? {} : { shareHashes: asObject(f.shareHashes, 'shareHashes') }),
    absent,
    ...(f.evidence === undefined ? {} : { evidence: parseEvidence(f.evidence, buckets) }),
  };
}

export function parsePartial(f: Fields): { roundId: string; values: unknown } {
  onlyMembers(f, new Set(['roundId', 'values']), 'request');
  return { roundId: str(f, 'roundId', ID_RULE), values: f.values };
}

export function roundIdOf(f: Fields): string {
  return str(f, 'roundId', ID_RULE);
}

/** The deadline must lie ahead of the proposal, and not too far. */
export function checkDeadline(deadlineMs: number, nowMs: number): void {
  if (deadlineMs <= nowMs) throw inputError('deadline', 'must be in the future');
  if (deadlineMs > nowMs + MAX_DEADLINE_MS) throw inputError('deadline', 'must be at most 30 days ahead');
}
