import fc from 'fast-check';
import {
  BLOB_OVERHEAD,
  DecryptionError,
  decodeBlob,
  decryptBlob,
  encryptBlob,
  generateShareKeyPair,
} from './share-crypto';
import { EncodingError } from './group';

const ctx = { roundId: 'r1', dealer: 'MallAMSP', recipient: 'MallBMSP' };
const bob = generateShareKeyPair();

describe('jointstats share encryption', () => {
  it('round-trips any plaintext for the recipient and context it was made for', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (plain) => {
        const blob = encryptBlob(plain, bob.publicKey, ctx);
        expect(Buffer.from(blob, 'base64url')).toHaveLength(64 + BLOB_OVERHEAD);
        expect(decryptBlob(blob, 64, bob.secretKey, ctx)).toEqual(Buffer.from(plain));
      }),
      { numRuns: 10 },
    );
  });

  it('two encryptions of the same shares differ (fresh ephemeral key and IV)', () => {
    const plain = new Uint8Array(64);
    expect(encryptBlob(plain, bob.publicKey, ctx)).not.toEqual(encryptBlob(plain, bob.publicKey, ctx));
  });

  it('fails with another key, or in another round, from another dealer, to another recipient', () => {
    const blob = encryptBlob(new Uint8Array(64).fill(7), bob.publicKey, ctx);
    expect(() => decryptBlob(blob, 64, generateShareKeyPair().secretKey, ctx)).toThrow(DecryptionError);
    for (const other of [
      { ...ctx, roundId: 'r2' },
      { ...ctx, dealer: 'MallCMSP' },
      { ...ctx, recipient: 'MallCMSP' },
    ]) {
      expect(() => decryptBlob(blob, 64, bob.secretKey, other)).toThrow(DecryptionError);
    }
  });

  it('fails when any byte of the IV, ciphertext or tag is altered', () => {
    const blob = encryptBlob(new Uint8Array(64).fill(1), bob.publicKey, ctx);
    const bytes = Buffer.from(blob, 'base64url');
    fc.assert(
      fc.property(fc.integer({ min: 33, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const altered = Buffer.from(bytes);
        altered[i] = (altered[i]! ^ x) & 0xff;
        expect(() => decryptBlob(altered.toString('base64url'), 64, bob.secretKey, ctx)).toThrow(DecryptionError);
      }),
      { numRuns: 30 },
    );
  });

  it('fails (or is refused) when the ephemeral key is altered', () => {
    const bytes = Buffer.from(encryptBlob(new Uint8Array(64), bob.publicKey, ctx), 'base64url');
    bytes[5] = bytes[5]! ^ 1;
    expect(() => decryptBlob(bytes.toString('base64url'), 64, bob.secretKey, ctx)).toThrow(
      /does not decrypt|not a point/,
    );
  });

  it('refuses blobs that are not canonical base64url or have the wrong length', () => {
    const blob = encryptBlob(new Uint8Array(64), bob.publicKey, ctx);
    expect(() => decodeBlob(`${blob}=`, 64)).toThrow(EncodingError);
    // Standard-alphabet characters are refused (a blob need not contain '-' or '_', so put one in).
    expect(() => decodeBlob(`+${blob.slice(1)}`, 64)).toThrow('must be base64url');
    expect(() => decodeBlob(`/${blob.slice(1)}`, 64)).toThrow('must be base64url');
    expect(() => decodeBlob(blob, 128)).toThrow('must hold 189 bytes, not 125');
    expect(() => decodeBlob(42, 64)).toThrow('must be base64url');
    // The last character carries unused bits: a non-zero one is a second spelling of the same bytes.
    const last = blob.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = blob.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1]!;
    if (Buffer.from(twin, 'base64url').equals(Buffer.from(blob, 'base64url'))) {
      expect(() => decodeBlob(twin, 64)).toThrow('not canonical');
    }
    expect(() => decodeBlob(Buffer.alloc(64 + BLOB_OVERHEAD).toString('base64url'), 64)).toThrow('ephemeral key');
  });
});
