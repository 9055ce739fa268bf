/**
 * Encryption of a dealer's shares to one recipient: ECIES on P-256 with an ephemeral key per
 * blob (ECDH, HKDF-SHA256, AES-256-GCM). The associated data bind the blob to the round, the
 * dealer and the recipient, so a blob copied into another round or addressed to another mall
 * does not decrypt. Blob layout: ephemeral public key (33, compressed) ‖ IV (12) ‖ ciphertext ‖
 * tag (16), base64url without padding.
 */
import { hkdf } from '@noble/hashes/hkdf';
import { sha256 } from '@noble/hashes/sha2';
import { p256 } from '@noble/curves/nist';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalize } from '../common/canonical';
import { EncodingError, decodePoint, decodeScalar, encodePoint, encodeScalar } from './group';

const INFO = new TextEncoder().encode('mallchain-jointstats-v1 share encryption key');
const EPH = 33;
const IV = 12;
const TAG = 16;
/** Bytes a blob adds to its plaintext. */
export const BLOB_OVERHEAD = EPH + IV + TAG;

/** Who a blob is from and to, in which round: the AES-GCM associated data. */
export interface BlobContext {
  readonly roundId: string;
  readonly dealer: string;
  readonly recipient: string;
}

/** A mall's share-encryption key pair; the public half is what JoinRound publishes. */
export interface ShareKeyPair {
  /** 64 hex, kept by the mall only. */
  readonly secretKey: string;
  /** Compressed point, 66 hex. */
  readonly publicKey: string;
}

export function generateShareKeyPair(): ShareKeyPair {
  const sk = p256.utils.randomSecretKey();
  return {
    secretKey: Buffer.from(sk).toString('hex'),
    publicKey: Buffer.from(p256.getPublicKey(sk, true)).toString('hex'),
  };
}

/** Thrown when a blob does not decrypt: wrong key, wrong context or altered bytes. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

function aad(context: BlobContext): Buffer {
  return Buffer.from(
    canonicalize({ dealer: context.dealer, recipient: context.recipient, roundId: context.roundId, v: 1 }),
  );
}

function deriveKey(sharedCompressed: Uint8Array, eph: Uint8Array, recipientPub: Uint8Array): Uint8Array {
  const salt = Buffer.concat([eph, recipientPub]);
  return hkdf(sha256, sharedCompressed.subarray(1), salt, INFO, 32);
}

/** Encrypts `plaintext` to the recipient's public key (66-hex compressed point). */
export function encryptBlob(plaintext: Uint8Array, recipientPublicKey: string, context: BlobContext): string {
  const recipient = Buffer.from(encodePoint(decodePoint(recipientPublicKey, 'recipient public key')), 'hex');
  const ephSk = p256.utils.randomSecretKey();
  const eph = p256.getPublicKey(ephSk, true);
  const key = deriveKey(p256.getSharedSecret(ephSk, recipient, true), eph, recipient);
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(context));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([eph, iv, ct, cipher.getAuthTag()]).toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Decodes a blob's bytes, refusing non-canonical base64url and blobs of the wrong length. */
export function decodeBlob(blob: unknown, plaintextLength: number, what = 'share blob'): Buffer {
  if (typeof blob !== 'string' || !BASE64URL.test(blob)) throw new EncodingError(`${what} must be base64url`);
  const bytes = Buffer.from(blob, 'base64url');
  if (bytes.toString('base64url') !== blob) throw new EncodingError(`${what} is not canonical base64url`);
  if (bytes.length !== plaintextLength + BLOB_OVERHEAD) {
    throw new EncodingError(`${what} must hold ${plaintextLength + BLOB_OVERHEAD} bytes, not ${bytes.length}`);
  }
  decodePoint(bytes.subarray(0, EPH).toString('hex'), `${what} ephemeral key`);
  return bytes;
}

/** The ephemeral public key a blob was encrypted with (the E of a complaint's proof). */
export function blobEphemeral(blob: string, plaintextLength: number): string {
  return decodeBlob(blob, plaintextLength).subarray(0, EPH).toString('hex');
}

/**
 * Decrypts a blob given the ECDH shared point S = sk·E (compressed) and the recipient's public key, which is what
 * a complaint publishes: anyone (the chaincode) can then open exactly that one blob.
 */
export function decryptBlobWithSharedPoint(
  blob: string,
  plaintextLength: number,
  sharedPoint: Uint8Array,
  recipientPublicKey: Uint8Array,
  context: BlobContext,
): Buffer {
  const bytes = decodeBlob(blob, plaintextLength);
  const eph = bytes.subarray(0, EPH);
  const key = deriveKey(sharedPoint, eph, recipientPublicKey);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(EPH, EPH + IV));
  decipher.setAAD(aad(context));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(EPH + IV, bytes.length - TAG)), decipher.final()]);
  } catch {
    throw new DecryptionError(`share blob from ${context.dealer} to ${context.recipient} does not decrypt`);
  }
}

/** Decrypts a blob with the recipient's secret key; any mismatch is a {@link DecryptionError}. */
export function decryptBlob(blob: string, plaintextLength: number, secretKey: string, context: BlobContext): Buffer {
  const bytes = decodeBlob(blob, plaintextLength);
  const eph = bytes.subarray(0, EPH);
  const sk = Buffer.from(encodeScalar(decodeScalar(secretKey, 'secret key')), 'hex');
  const recipient = p256.getPublicKey(sk, true);
  return decryptBlobWithSharedPoint(blob, plaintextLength, p256.getSharedSecret(sk, eph, true), recipient, context);
}
