import { createHash, createHmac } from 'node:crypto';
import { caSignature, signatureMatches, stringToSign } from './huina-signature';

describe('X-Ca-Signature', () => {
  const secret = Buffer.from('s3cret');
  const parts = {
    method: 'post',
    path: '/huina/v1/traffic',
    timestamp: '1764547200000',
    nonce: 'abcdefgh',
    body: Buffer.from('{"a":1}'),
  };

  it('signs METHOD, path, timestamp, nonce and the hex SHA-256 of the body, one per line', () => {
    const bodyHash = createHash('sha256').update('{"a":1}').digest('hex');
    expect(stringToSign(parts)).toBe(`POST\n/huina/v1/traffic\n1764547200000\nabcdefgh\n${bodyHash}`);
    const expected = createHmac('sha256', secret).update(stringToSign(parts)).digest('base64');
    expect(caSignature(secret, parts)).toBe(expected);
    expect(signatureMatches(secret, parts, expected)).toBe(true);
  });

  it('refuses any change of a signed part, another secret and a non-canonical encoding', () => {
    const sig = caSignature(secret, parts);
    for (const changed of [
      { ...parts, method: 'GET' },
      { ...parts, path: '/huina/v1/traffic?x=1' },
      { ...parts, timestamp: '1764547200001' },
      { ...parts, nonce: 'abcdefgi' },
      { ...parts, body: Buffer.from('{"a":2}') },
    ])
      expect(signatureMatches(secret, changed, sig)).toBe(false);
    expect(signatureMatches(Buffer.from('other'), parts, sig)).toBe(false);
    expect(signatureMatches(secret, parts, sig.slice(0, -1))).toBe(false);
    expect(signatureMatches(secret, parts, `${sig}AA`)).toBe(false);
  });
});
