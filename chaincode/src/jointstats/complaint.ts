/**
 * Complaints against a dealer: a recipient whose blob does not decrypt, or holds a share that does not match the
 * dealer's commitments, publishes the ECDH shared point S = sk·E of that one blob (E its ephemeral key) with a
 * Chaum–Pedersen proof that log_G(P) = log_E(S) for its round key P. Anyone — the chaincode — can then derive the
 * blob's AES key, decrypt it and check the shares: the complaint is upheld only when the dealer is at fault, and a
 * recipient cannot frame a dealer (it cannot forge S without breaking the proof, nor the blob without the AEAD).
 * Opening the blob reveals that one share vector, which a cheating dealer forfeits (docs/joint-stats.md).
 */
import { randomBytes } from 'node:crypto';
import { sha512 } from '@noble/hashes/sha2';
import { canonicalize } from '../common/canonical';
import { EncodingError, Fn, G, Point, decodePoint, decodeScalar, encodePoint, encodeScalar, mul } from './group';
import { verifyShare } from './pedersen';
import { RoundShape, decodeShareVector, indexOf, plaintextLength } from './dealing';
import { BlobContext, DecryptionError, blobEphemeral, decryptBlobWithSharedPoint } from './share-crypto';

/** What a complaint publishes: S and the proof (c, s) that S is sk·E for the complainant's round key. */
export interface ComplaintProof {
  /** Compressed S = sk·E, 66 hex. */
  readonly sharedPoint: string;
  /** Fiat–Shamir challenge, 64 hex. */
  readonly c: string;
  /** Response k − c·sk mod n, 64 hex. */
  readonly s: string;
}

/** The proof does not show that S belongs to the complainant's key and the blob. */
export class ComplaintProofError extends Error {
  override readonly name = 'ComplaintProofError';
}

/** Why a complaint is upheld: the blob does not decrypt under its own key, or a bucket does not verify. */
export interface ComplaintFinding {
  readonly upheld: boolean;
  /** The first bucket whose share does not match (absent when the blob does not decrypt, or nothing is wrong). */
  readonly bucket?: number;
  readonly reason: string;
}

function challenge(ctx: BlobContext, p: Point, e: Point, s: Point, a1: Point, a2: Point): bigint {
  const transcript = canonicalize({
    a1: encodePoint(a1),
    a2: encodePoint(a2),
    dealer: ctx.dealer,
    e: encodePoint(e),
    p: encodePoint(p),
    recipient: ctx.recipient,
    roundId: ctx.roundId,
    s: encodePoint(s),
    v: 'mallchain-jointstats-v1 complaint',
  });
  // 512 bits reduced mod n: the challenge is uniform up to a 2^-256 bias.
  const digest = sha512(new TextEncoder().encode(transcript));
  return Fn.create(BigInt(`0x${Buffer.from(digest).toString('hex')}`));
}

/** A nonzero random scalar for the proof's commitment (prover side only). */
function nonce(): bigint {
  const k = Fn.create(BigInt(`0x${randomBytes(48).toString('hex')}`));
  return k === 0n ? 1n : k;
}

/** The recipient's side: S = sk·E for the blob and a proof that it used its round key. */
export function proveComplaint(ctx: BlobContext, blob: string, buckets: number, secretKey: string): ComplaintProof {
  const sk = decodeScalar(secretKey, 'secret key');
  const p = mul(G, sk);
  const e = decodePoint(blobEphemeral(blob, plaintextLength(buckets)), 'blob ephemeral key');
  const s = mul(e, sk);
  const k = nonce();
  const c = challenge(ctx, p, e, s, mul(G, k), mul(e, k));
  return { sharedPoint: encodePoint(s), c: encodeScalar(c), s: encodeScalar(Fn.sub(k, Fn.mul(c, sk))) };
}

/** @throws ComplaintProofError when (c, s) does not prove log_G(P) = log_E(S); EncodingError for a bad encoding */
export function verifyComplaintProof(
  ctx: BlobContext,
  blob: string,
  buckets: number,
  recipientPublicKey: string,
  proof: ComplaintProof,
): void {
  const p = decodePoint(recipientPublicKey, 'recipient public key');
  const e = decodePoint(blobEphemeral(blob, plaintextLength(buckets)), 'blob ephemeral key');
  const s = decodePoint(proof.sharedPoint, 'sharedPoint');
  const c = decodeScalar(proof.c, 'proof c');
  const z = decodeScalar(proof.s, 'proof s');
  const a1 = mul(G, z).add(mul(p, c));
  const a2 = mul(e, z).add(mul(s, c));
  if (challenge(ctx, p, e, s, a1, a2) !== c) {
    throw new ComplaintProofError(
      `the proof does not show that sharedPoint is the ECDH point of ${ctx.recipient}'s key`,
    );
  }
}

/**
 * The chaincode's verdict on a complaint whose proof verified: decrypt the blob with S and check every bucket
 * against the dealer's commitments.
 */
export function judgeComplaint(
  round: RoundShape,
  ctx: BlobContext,
  commitments: readonly (readonly Point[])[],
  blob: string,
  recipientPublicKey: string,
  proof: ComplaintProof,
): ComplaintFinding {
  verifyComplaintProof(ctx, blob, round.buckets, recipientPublicKey, proof);
  let plain: Buffer;
  try {
    plain = decryptBlobWithSharedPoint(
      blob,
      plaintextLength(round.buckets),
      Buffer.from(proof.sharedPoint, 'hex'),
      Buffer.from(recipientPublicKey, 'hex'),
      ctx,
    );
  } catch (e) {
    if (e instanceof DecryptionError) return { upheld: true, reason: 'the blob does not decrypt under its own key' };
    throw e;
  }
  let shares;
  try {
    shares = decodeShareVector(plain, round.buckets);
  } catch (e) {
    if (e instanceof EncodingError) return { upheld: true, reason: `the blob holds no share vector: ${e.message}` };
    throw e;
  }
  const x = indexOf(round, ctx.recipient);
  const bucket = shares.findIndex((share, b) => !verifyShare(commitments[b] ?? [], x, share));
  if (bucket < 0) return { upheld: false, reason: 'every share matches the dealer’s commitments' };
  return { upheld: true, bucket, reason: `the share of bucket ${bucket} does not match the dealer's commitments` };
}
