import { Identity, Signer, signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkError } from './errors';

/** A Gateway identity and signer. */
export interface GatewayIdentity {
  readonly identity: Identity;
  readonly signer: Signer;
}

/**
 * The Gateway identity of an MSP folder as cryptogen lays it out: the first certificate in
 * signcerts/ and the first key in keystore/.
 *
 * @example
 * const admin = mspIdentity('MallAMSP', paths.userMsp(mallA, 'Admin'));
 */
export function mspIdentity(mspId: string, mspDir: string): GatewayIdentity {
  const certFile = firstFile(join(mspDir, 'signcerts'));
  const keyFile = firstFile(join(mspDir, 'keystore'));
  if (!certFile || !keyFile)
    throw new NetworkError(`no certificate or key in ${mspDir}`, { hint: 'expected signcerts/ and keystore/ files' });
  const key = createPrivateKey(readFileSync(keyFile));
  return { identity: { mspId, credentials: readFileSync(certFile) }, signer: signers.newPrivateKeySigner(key) };
}

function firstFile(dir: string): string | undefined {
  try {
    const name = readdirSync(dir).sort()[0];
    return name === undefined ? undefined : join(dir, name);
  } catch {
    return undefined;
  }
}
