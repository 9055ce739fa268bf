import { gzipSync } from 'node:zlib';
import { encodeList as encode } from '../../test/support/dids-status';
import { MAX_LIST_BYTES, MIN_LIST_BYTES, bitAt, decodeList } from './bitstring';

describe('Bitstring Status List decoding', () => {
  it('reads index 0 as the left-most bit of the first byte', () => {
    const bits = Buffer.alloc(MIN_LIST_BYTES);
    bits[0] = 0b1000_0001;
    bits[2] = 0b0010_0000;
    const decoded = decodeList(encode(bits));
    expect([0, 1, 6, 7, 16, 17, 18].map((i) => bitAt(decoded, i))).toEqual([1, 0, 0, 1, 0, 0, 1]);
    expect(bitAt(decoded, MIN_LIST_BYTES * 8)).toBeUndefined();
  });

  it.each([
    [
      'no multibase prefix',
      gzipSync(Buffer.alloc(MIN_LIST_BYTES)).toString('base64url'),
      'must be multibase base64url',
    ],
    ['standard base64', `u${gzipSync(Buffer.alloc(MIN_LIST_BYTES)).toString('base64')}`, 'must be multibase base64url'],
    ['data that is not gzip', `u${Buffer.from('hello').toString('base64url')}`, 'is not a GZIP-compressed bitstring'],
    ['a list under the minimum size', encode(Buffer.alloc(100)), `must hold at least ${MIN_LIST_BYTES * 8} entries`],
    ['a list over the maximum size', encode(Buffer.alloc(MAX_LIST_BYTES + 1)), 'is not a GZIP-compressed bitstring'],
  ])('refuses %s', (_label, value, message) => {
    expect(() => decodeList(value)).toThrow(message);
  });
});
