/**
 * Bitstring Status List (W3C VC Bitstring Status List v1.0): `encodedList` is the multibase
 * base64url ("u" prefix, no padding) of the GZIP-compressed bitstring; index 0 is the
 * left-most (most significant) bit of the first byte.
 */
import { gunzipSync } from 'node:zlib';
import { inputError } from '../common/errors';

/** 16 KiB (131,072 entries) is the specification's minimum list size, for herd privacy. */
export const MIN_LIST_BYTES = 16_384;
/** Upper bound on the decompressed list, so a small "zip bomb" cannot exhaust the peer. */
export const MAX_LIST_BYTES = 2 * 1024 * 1024;

/** Decodes and decompresses an encodedList; errors name the field. */
export function decodeList(encodedList: string, name = 'encodedList'): Buffer {
  if (!/^u[A-Za-z0-9_-]+$/.test(encodedList)) throw inputError(name, 'must be multibase base64url (starting with "u")');
  let bits: Buffer;
  try {
    bits = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'), { maxOutputLength: MAX_LIST_BYTES });
  } catch {
    throw inputError(name, `is not a GZIP-compressed bitstring of at most ${MAX_LIST_BYTES} bytes`);
  }
  if (bits.length < MIN_LIST_BYTES) throw inputError(name, `must hold at least ${MIN_LIST_BYTES * 8} entries`);
  return bits;
}

/** The bit at `index` (0 or 1); `undefined` when the list is shorter. */
export function bitAt(bits: Buffer, index: number): 0 | 1 | undefined {
  const byte = bits[Math.floor(index / 8)];
  if (byte === undefined) return undefined;
  return (byte >> (7 - (index % 8))) & 1 ? 1 : 0;
}
