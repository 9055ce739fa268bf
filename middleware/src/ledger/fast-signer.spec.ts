import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { connect, hash, signers, type GrpcClient, type Hash, type Signer } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProto } from '@hyperledger/fabric-protos';
import { curveByName, newFastSigner, p1363ToLowSDer } from './fast-signer';

const P256 = curveByName('prime256v1')!;

function p256(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** Decode a DER ECDSA signature into r and s. */
function derToRs(der: Uint8Array): { r: bigint; s: bigint } {
  const buf = Buffer.from(der);
  expect(buf[0]).toBe(0x30);
  expect(buf[1]).toBe(buf.length - 2);
  const readInt = (at: number): [bigint, number] => {
    expect(buf[at]).toBe(0x02);
    const len = buf[at + 1]!;
    const bytes = buf.subarray(at + 2, at + 2 + len);
    // DER INTEGERs are minimal: no leading zero unless the next byte has its high bit set.
    if (bytes.length > 1 && bytes[0] === 0) expect(bytes[1]! & 0x80).toBe(0x80);
    return [BigInt('0x' + bytes.toString('hex')), at + 2 + len];
  };
  const [r, next] = readInt(2);
  const [s, end] = readInt(next);
  expect(end).toBe(buf.length);
  return { r, s };
}

/**
 * Drive a real gateway Contract through `connect()` with a fake gRPC client that captures the signed proposal,
 * so the test covers exactly what the gateway hands to the signer (digest or message).
 */
async function signedProposalVia(
  signer: Signer,
  hashFn: Hash | undefined,
): Promise<{ bytes: Uint8Array; sig: Uint8Array }> {
  let captured: gatewayProto.EvaluateRequest | undefined;
  const client = {
    makeUnaryRequest: (_m: string, _s: unknown, _d: unknown, arg: gatewayProto.EvaluateRequest, ...rest: unknown[]) => {
      captured = arg;
      const callback = rest[rest.length - 1] as (err: Error) => void;
      callback(Object.assign(new Error('fake peer'), { code: 14, details: '', metadata: { get: () => [] } }));
      return {};
    },
  } as unknown as GrpcClient;
  const gw = connect({
    client,
    identity: { mspId: 'MallAMSP', credentials: new Uint8Array([1, 2, 3]) },
    signer,
    ...(hashFn ? { hash: hashFn } : {}),
  });
  await expect(
    gw.getNetwork('mallchannel').getContract('mallchain').evaluateTransaction('info:Version'),
  ).rejects.toThrow();
  gw.close();
  const signed = captured!.getProposedTransaction()!;
  return { bytes: signed.getProposalBytes_asU8(), sig: signed.getSignature_asU8() };
}

describe('newFastSigner', () => {
  it('signs what the gateway passes with hash.none so that the peer-side check (sha256 + ECDSA) accepts it, like the default signer', async () => {
    const { privateKey, publicKey } = p256();
    const fast = newFastSigner(privateKey);
    expect(fast.hash).toBe(hash.none);

    const viaFast = await signedProposalVia(fast.signer, fast.hash);
    const viaDefault = await signedProposalVia(signers.newPrivateKeySigner(privateKey), undefined);

    for (const { bytes, sig } of [viaFast, viaDefault]) {
      expect(verify('sha256', bytes, { key: publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
      expect(derToRs(sig).s <= P256.halfOrder).toBe(true);
    }
  });

  it('gives the same verification outcome as the gateway signer on the same message, and fails on a changed one', async () => {
    const { privateKey, publicKey } = p256();
    const other = p256().publicKey;
    const fast = newFastSigner(privateKey).signer;
    const reference = signers.newPrivateKeySigner(privateKey);
    for (let i = 0; i < 50; i++) {
      const message = Buffer.from(`proposal ${i}`);
      const digest = createHash('sha256').update(message).digest();
      const a = await fast(message);
      const b = await reference(digest);
      const outcome = (sig: Uint8Array, key: KeyObject, msg: Buffer): boolean =>
        verify('sha256', msg, { key, dsaEncoding: 'der' }, sig);
      expect(outcome(a, publicKey, message)).toBe(outcome(b, publicKey, message));
      expect(outcome(a, publicKey, message)).toBe(true);
      expect(outcome(a, publicKey, Buffer.from(`proposal ${i}!`))).toBe(false);
      expect(outcome(a, other, message)).toBe(false);
    }
  });

  it('always yields low-S signatures (raw OpenSSL output is high-S about half the time)', async () => {
    const { privateKey } = p256();
    const fast = newFastSigner(privateKey).signer;
    let rawHigh = 0;
    for (let i = 0; i < 200; i++) {
      const message = Buffer.from(`m${i}`);
      const raw = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      if (BigInt('0x' + raw.subarray(32).toString('hex')) > P256.halfOrder) rawHigh++;
      expect(derToRs(await fast(message)).s <= P256.halfOrder).toBe(true);
    }
    expect(rawHigh).toBeGreaterThan(40);
  });

  it('normalises a high-S signature to n−s, which still verifies, and keeps r', () => {
    const { privateKey, publicKey } = p256();
    const message = Buffer.from('high-s');
    let raw = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const s = BigInt('0x' + raw.subarray(32).toString('hex'));
    const high = s > P256.halfOrder ? s : P256.order - s;
    raw = Buffer.concat([raw.subarray(0, 32), Buffer.from(high.toString(16).padStart(64, '0'), 'hex')]);
    expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);

    const der = p1363ToLowSDer(raw, P256);
    const rs = derToRs(der);
    expect(rs.s).toBe(P256.order - high);
    expect(rs.r).toBe(BigInt('0x' + raw.subarray(0, 32).toString('hex')));
    expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
  });

  it('encodes integers minimally: leading zeros dropped, 0x00 added before a set high bit', () => {
    const r = Buffer.alloc(32);
    r[0] = 0x80;
    const s = Buffer.alloc(32);
    s[31] = 0x05;
    const der = p1363ToLowSDer(Buffer.concat([r, s]), P256);
    expect(der.subarray(0, 4)).toEqual(Buffer.from([0x30, 2 + 33 + 3, 0x02, 33]));
    expect(der[4]).toBe(0x00);
    expect(der.subarray(-3)).toEqual(Buffer.from([0x02, 0x01, 0x05]));
  });

  it('supports P-384 with sha384', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const message = Buffer.from('p384');
    const sig = await newFastSigner(privateKey).signer(message);
    expect(verify('sha384', message, { key: publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
    expect(derToRs(sig).s <= curveByName('secp384r1')!.halfOrder).toBe(true);
  });

  it('accepts a PEM string', async () => {
    const { privateKey, publicKey } = p256();
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const sig = await newFastSigner(pem).signer(Buffer.from('pem'));
    expect(verify('sha256', Buffer.from('pem'), { key: publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
  });

  it('refuses keys it cannot sign for Fabric with, naming the problem', () => {
    expect(() => newFastSigner(p256().publicKey)).toThrow(/private key, got a public key/);
    expect(() => newFastSigner(generateKeyPairSync('ed25519').privateKey)).toThrow(/EC keys only, got ed25519/);
    expect(() => newFastSigner(generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey)).toThrow(
      /unsupported curve 'secp521r1'/,
    );
    expect(() => p1363ToLowSDer(new Uint8Array(63), P256)).toThrow(/63 bytes, expected 64/);
  });
});
