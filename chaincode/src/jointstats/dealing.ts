/**
 * The dealer's side and the recipient's check: per bucket, a random polynomial f of degree t−1
 * with f(0) = the mall's figure, a random blinding polynomial g, Pedersen commitments to both,
 * and for each other participant the shares (f(j), g(j)) of every bucket in one encrypted blob.
 */
import { EncodingError, Point, decodePoint, decodeScalar, encodePoint, encodeScalar, randomScalar } from './group';
import { Share, commitCoefficients, verifyShare } from './pedersen';
import { evaluate } from './polynomial';
import { BlobContext, decryptBlob, encryptBlob } from './share-crypto';

/** The public facts of a round that the math needs. Participant j has x = j = position + 1. */
export interface RoundShape {
  readonly roundId: string;
  /** Participant IDs (MSP IDs) in the round's canonical (sorted) order. */
  readonly participants: readonly string[];
  readonly threshold: number;
  readonly buckets: number;
}

/** x-coordinate of a participant's shares. */
export function indexOf(round: RoundShape, participant: string): bigint {
  const i = round.participants.indexOf(participant);
  if (i < 0) throw new RangeError(`${participant} does not take part in ${round.roundId}`);
  return BigInt(i + 1);
}

/** What a dealer publishes: commitments[bucket][degree] and a blob per other participant. */
export interface DealMessage {
  readonly commitments: string[][];
  readonly shares: Record<string, string>;
}

/** What a dealer keeps: its own share of every bucket and the openings of its input commitments. */
export interface DealSecrets {
  readonly own: Share[];
  /** g_b(0): with the input value it opens C_{b,0} to an auditor. */
  readonly blindings: bigint[];
}

/** Bytes of a blob's plaintext: (f, g) per bucket, 32 bytes each. */
export function plaintextLength(buckets: number): number {
  return buckets * 64;
}

export function encodeShareVector(shares: readonly Share[]): Uint8Array {
  return Buffer.from(shares.map((s) => encodeScalar(s.f) + encodeScalar(s.g)).join(''), 'hex');
}

export function decodeShareVector(bytes: Uint8Array, buckets: number): Share[] {
  if (bytes.length !== plaintextLength(buckets)) throw new EncodingError('share vector has the wrong length');
  const hex = Buffer.from(bytes).toString('hex');
  return Array.from({ length: buckets }, (_, b) => ({
    f: decodeScalar(hex.slice(b * 128, b * 128 + 64), `share of bucket ${b}`),
    g: decodeScalar(hex.slice(b * 128 + 64, b * 128 + 128), `blinding share of bucket ${b}`),
  }));
}

const MAX_VALUE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Deals a mall's input vector (one non-negative integer per bucket) to the round's participants,
 * encrypting each recipient's shares to the key it published when joining.
 */
export function createDeal(
  round: RoundShape,
  dealer: string,
  values: readonly bigint[],
  publicKeys: Readonly<Record<string, string>>,
): { message: DealMessage; secrets: DealSecrets } {
  if (values.length !== round.buckets) throw new RangeError(`expected ${round.buckets} values, got ${values.length}`);
  if (values.some((v) => v < 0n || v > MAX_VALUE)) throw new RangeError('values must be integers in 0..2^53-1');
  const polys = values.map((v) => {
    const f = [v, ...Array.from({ length: round.threshold - 1 }, randomScalar)];
    const g = Array.from({ length: round.threshold }, randomScalar);
    return { f, g };
  });
  const shareAt = (x: bigint): Share[] => polys.map(({ f, g }) => ({ f: evaluate(f, x), g: evaluate(g, x) }));
  const shares: Record<string, string> = {};
  for (const recipient of round.participants) {
    if (recipient === dealer) continue;
    const key = publicKeys[recipient];
    if (key === undefined) throw new RangeError(`no share key for ${recipient}`);
    const context: BlobContext = { roundId: round.roundId, dealer, recipient };
    shares[recipient] = encryptBlob(encodeShareVector(shareAt(indexOf(round, recipient))), key, context);
  }
  return {
    message: {
      commitments: polys.map(({ f, g }) => commitCoefficients(f, g).map(encodePoint)),
      shares,
    },
    secrets: { own: shareAt(indexOf(round, dealer)), blindings: polys.map(({ g }) => g[0] ?? 0n) },
  };
}

/** Decodes commitments[bucket][degree], refusing a wrong shape or a non-canonical point. */
export function decodeCommitments(raw: unknown, buckets: number, threshold: number): Point[][] {
  if (!Array.isArray(raw) || raw.length !== buckets) {
    throw new EncodingError(`commitments must be an array of ${buckets} buckets`);
  }
  return raw.map((row: unknown, b) => {
    if (!Array.isArray(row) || row.length !== threshold) {
      throw new EncodingError(`commitments[${b}] must hold ${threshold} points (one per coefficient)`);
    }
    return row.map((p: unknown, k) => decodePoint(p, `commitments[${b}][${k}]`));
  });
}

/** A share that does not match its dealer's commitments: names the dealer and the bucket. */
export class ShareError extends Error {
  override readonly name = 'ShareError';

  constructor(
    readonly dealer: string,
    readonly bucket: number | undefined,
    detail: string,
  ) {
    super(`${dealer}: ${detail}`);
  }
}

/**
 * The recipient's side: decrypts the blob a dealer addressed to it and checks every bucket's
 * share against the dealer's commitments. A failure is a {@link ShareError} naming the dealer.
 */
export function openDealShares(
  round: RoundShape,
  dealer: string,
  recipient: string,
  commitments: readonly (readonly Point[])[],
  blob: string,
  secretKey: string,
): Share[] {
  let shares: Share[];
  try {
    const plain = decryptBlob(blob, plaintextLength(round.buckets), secretKey, {
      roundId: round.roundId,
      dealer,
      recipient,
    });
    shares = decodeShareVector(plain, round.buckets);
  } catch (e) {
    throw new ShareError(dealer, undefined, (e as Error).message);
  }
  const x = indexOf(round, recipient);
  shares.forEach((share, b) => {
    if (!verifyShare(commitments[b] ?? [], x, share)) {
      throw new ShareError(dealer, b, `share of bucket ${b} does not match the dealer's commitments`);
    }
  });
  return shares;
}
