/** Builders for credential-status tests: encoded Bitstring Status Lists and signed anchor requests. */
import { gzipSync } from 'node:zlib';
import { TestKey, signJcs } from './dids-keys';

/** Multibase base64url of the GZIP of `bits`, as the VC Bitstring Status List specifies. */
export function encodeList(bits: Buffer): string {
  return `u${gzipSync(bits).toString('base64url')}`;
}

/** A 16 KiB list with the given indexes set. */
export function listWith(...set: number[]): string {
  const bits = Buffer.alloc(16_384);
  for (const i of set) bits[Math.floor(i / 8)]! |= 0x80 >> (i % 8);
  return encodeList(bits);
}

export function anchorListRequest(
  issuer: TestKey,
  body: { listId: string; purpose: string; version: number; digest: string; encodedList?: string },
  opts: { channel?: string; kid?: string } = {},
): string {
  const { encodedList, ...signed } = body;
  const payload = {
    op: 'anchorStatusList',
    channel: opts.channel ?? 'mallchannel',
    chaincode: 'mallchain',
    issuer: issuer.did,
    ...signed,
  };
  const proof = { kid: opts.kid ?? `${issuer.did}#key-1`, signature: signJcs(issuer, payload) };
  return JSON.stringify({ issuer: issuer.did, ...signed, encodedList, proof });
}

export function anchorBatchRequest(
  issuer: TestKey,
  body: { batchId: string; root: string; size: number },
  opts: { channel?: string } = {},
): string {
  const payload = {
    op: 'anchorCredentialBatch',
    channel: opts.channel ?? 'mallchannel',
    chaincode: 'mallchain',
    issuer: issuer.did,
    ...body,
  };
  return JSON.stringify({
    issuer: issuer.did,
    ...body,
    proof: { kid: `${issuer.did}#key-1`, signature: signJcs(issuer, payload) },
  });
}
