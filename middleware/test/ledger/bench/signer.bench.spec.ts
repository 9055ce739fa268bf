import { createHash, generateKeyPairSync } from 'node:crypto';
import { signers, type Signer } from '@hyperledger/fabric-gateway';
import { newFastSigner } from '../../../src/ledger/fast-signer';

/** Signs per second over `ms` milliseconds, one signature at a time (as a submit does). */
async function rate(sign: Signer, prepare: (m: Buffer) => Uint8Array, ms: number): Promise<number> {
  // A proposal is a few hundred bytes; vary it so no layer can cache.
  const base = Buffer.alloc(600, 7);
  let n = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() < until) {
    base.writeUInt32BE(n, 0);
    await sign(prepare(base));
    n++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return n / seconds;
}

describe('signer micro-benchmark (single core, sequential)', () => {
  it('the node:crypto signer is several times faster than the gateway default signer', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sha256 = (m: Buffer): Uint8Array => createHash('sha256').update(m).digest();
    const fast = newFastSigner(privateKey).signer;
    const reference = signers.newPrivateKeySigner(privateKey);
    await rate(fast, (m) => m, 200); // warm-up
    await rate(reference, sha256, 200);

    // The gateway hashes before calling its default signer; the fast signer hashes inside OpenSSL (hash.none).
    const fastRate = await rate(fast, (m) => m, 1500);
    const referenceRate = await rate(reference, sha256, 1500);
    process.stdout.write(
      `signer benchmark: node:crypto ${Math.round(fastRate)}/s, gateway default ${Math.round(referenceRate)}/s, ` +
        `ratio ${(fastRate / referenceRate).toFixed(1)}x\n`,
    );
    expect(fastRate).toBeGreaterThan(3 * referenceRate);
  });
});
