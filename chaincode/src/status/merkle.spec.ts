import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { inclusionProof, leafHash, merkleRoot, nodeHash, verifyInclusion } from './merkle';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('RFC 9162 Merkle hashing', () => {
  it('uses the 0x00 leaf and 0x01 node prefixes', () => {
    const a = bytes('a');
    const b = bytes('b');
    expect(leafHash(a).toString('hex')).toBe(
      createHash('sha256')
        .update(Buffer.from([0, 0x61]))
        .digest('hex'),
    );
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from([1]), leafHash(a), leafHash(b)]))
      .digest('hex');
    expect(merkleRoot([a, b])).toBe(expected);
    expect(nodeHash(leafHash(a), leafHash(b)).toString('hex')).toBe(expected);
    // Three leaves split 2 + 1, as MTH prescribes.
    const c = bytes('c');
    expect(merkleRoot([a, b, c])).toBe(nodeHash(nodeHash(leafHash(a), leafHash(b)), leafHash(c)).toString('hex'));
    expect(merkleRoot([])).toBe(createHash('sha256').digest('hex'));
    expect(merkleRoot([a])).toBe(leafHash(a).toString('hex'));
  });

  it('verifies the audit path of every leaf of every tree size up to 40, and nothing else', () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = Array.from({ length: n }, (_, i) => bytes(`credential-${i}`));
      const root = merkleRoot(leaves);
      for (let i = 0; i < n; i++) {
        const path = inclusionProof(leaves, i);
        expect(verifyInclusion(leaves[i]!, i, n, path, root)).toBe(true);
        expect(verifyInclusion(bytes('forged'), i, n, path, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaves[i]!, (i + 1) % n, n, path, root)).toBe(false);
      }
      expect(verifyInclusion(leaves[0]!, n, n, [], root)).toBe(false);
    }
  });

  it('refuses a path with an extra or a missing step (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.nat(), (n, seed) => {
        const leaves = Array.from({ length: n }, (_, i) => bytes(`leaf ${seed} ${i}`));
        const i = seed % n;
        const path = inclusionProof(leaves, i);
        const root = merkleRoot(leaves);
        return (
          verifyInclusion(leaves[i]!, i, n, path, root) &&
          !verifyInclusion(leaves[i]!, i, n, path.slice(1), root) &&
          !verifyInclusion(leaves[i]!, i, n, [...path, root], root)
        );
      }),
    );
  });
});
