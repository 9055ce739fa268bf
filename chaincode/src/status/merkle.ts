/**
 * Merkle tree hashing of RFC 9162 (Certificate Transparency v2), section 2.1: leaves are
 * hashed as SHA-256(0x00 || leaf) and nodes as SHA-256(0x01 || left || right), so a leaf can
 * never be passed off as an inner node. Roots and proofs are lowercase hex.
 */
import { createHash } from 'node:crypto';

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** RFC 9162 leaf hash: SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Buffer {
  return sha256(Buffer.from([0]), Buffer.from(leaf));
}

/** RFC 9162 inner node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.from([1]), left, right);
}

/** Largest power of two strictly smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) of RFC 9162 over already-hashed leaves. */
function rootOfHashes(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) return sha256();
  if (hashes.length === 1) return hashes[0] as Buffer;
  const k = split(hashes.length);
  return nodeHash(rootOfHashes(hashes.slice(0, k)), rootOfHashes(hashes.slice(k)));
}

/** Root of a tree over `leaves` (hex). */
export function merkleRoot(leaves: Uint8Array[]): string {
  return rootOfHashes(leaves.map(leafHash)).toString('hex');
}

/** PATH(m, D[n]) of RFC 9162: the audit path of leaf `index`, bottom-up, hex. */
export function inclusionProof(leaves: Uint8Array[], index: number): string[] {
  const path = (m: number, hashes: Buffer[]): Buffer[] => {
    if (hashes.length <= 1) return [];
    const k = split(hashes.length);
    return m < k
      ? [...path(m, hashes.slice(0, k)), rootOfHashes(hashes.slice(k))]
      : [...path(m - k, hashes.slice(k)), rootOfHashes(hashes.slice(0, k))];
  };
  return path(index, leaves.map(leafHash)).map((h) => h.toString('hex'));
}

/**
 * Verifies an inclusion proof as RFC 9162 section 2.1.3.2 specifies: recomputes the root
 * from the leaf hash and the path and compares it with `rootHex`.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  path: string[],
  rootHex: string,
): boolean {
  if (index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash(leaf);
  for (const hex of path) {
    if (sn === 0) return false;
    const p = Buffer.from(hex, 'hex');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.toString('hex') === rootHex;
}
