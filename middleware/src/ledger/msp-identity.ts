import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A client identity as Fabric sees it, loaded from a cryptogen / fabric-ca MSP folder. */
export interface MspIdentity {
  readonly mspId: string;
  /** The PEM certificate, as bytes (what the gateway's `Identity.credentials` expects). */
  readonly credentials: Uint8Array;
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
  readonly privateKeyPem: string;
}

/** Something is missing or wrong in an MSP folder or TLS file; the message names the path. */
export class IdentityLoadError extends Error {
  override name = 'IdentityLoadError';
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (cause) {
    throw new IdentityLoadError(`cannot read MSP folder ${dir}: ${(cause as Error).message}`, { cause });
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new IdentityLoadError(`cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** `keystore/priv_sk` (cryptogen) or the single `*_sk` file fabric-ca writes. */
async function findKeyFile(mspDir: string): Promise<string> {
  const dir = join(mspDir, 'keystore');
  const files = await listDir(dir);
  const keys = files.includes('priv_sk') ? ['priv_sk'] : files.filter((f) => f.endsWith('_sk'));
  if (keys.length !== 1 || keys[0] === undefined) {
    throw new IdentityLoadError(
      `${dir}: expected exactly one private key (priv_sk or *_sk), found ${keys.length === 0 ? 'none' : keys.join(', ')}`,
    );
  }
  return join(dir, keys[0]);
}

async function findCertFile(mspDir: string): Promise<string> {
  const dir = join(mspDir, 'signcerts');
  const pems = (await listDir(dir)).filter((f) => f.endsWith('.pem'));
  if (pems.length !== 1 || pems[0] === undefined) {
    throw new IdentityLoadError(
      `${dir}: expected exactly one certificate (*.pem), found ${pems.length === 0 ? 'none' : pems.join(', ')}`,
    );
  }
  return join(dir, pems[0]);
}

/**
 * Load the signing identity of an MSP folder and check that its key belongs to its certificate,
 * so a mixed-up folder fails at start-up rather than as BAD_CREATOR_SIGNATURE at the first submit.
 * @example const id = await loadMspIdentity('MallAMSP', '.mallchain/dev/crypto/.../User1@mall-a.example.com/msp');
 */
export async function loadMspIdentity(mspId: string, mspDir: string): Promise<MspIdentity> {
  if (!/^[A-Za-z0-9.-]+$/.test(mspId)) throw new IdentityLoadError(`invalid MSP ID '${mspId}'`);
  const certPath = await findCertFile(mspDir);
  const keyPath = await findKeyFile(mspDir);
  const certificatePem = await readText(certPath);
  const privateKeyPem = await readText(keyPath);
  let cert: X509Certificate;
  let privateKey: KeyObject;
  try {
    cert = new X509Certificate(certificatePem);
  } catch (cause) {
    throw new IdentityLoadError(`${certPath} is not a PEM X.509 certificate`, { cause });
  }
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch (cause) {
    throw new IdentityLoadError(`${keyPath} is not a PEM private key`, { cause });
  }
  if (!cert.checkPrivateKey(privateKey)) {
    throw new IdentityLoadError(`${keyPath} does not match the certificate ${certPath}`);
  }
  return {
    mspId,
    credentials: Buffer.from(certificatePem),
    certificatePem,
    privateKey,
    privateKeyPem,
  };
}

/** Read a PEM CA certificate (the peer's TLS root) and check that it parses. */
export async function loadTlsCaCert(path: string): Promise<Buffer> {
  const pem = await readText(path);
  try {
    new X509Certificate(pem);
  } catch (cause) {
    throw new IdentityLoadError(`${path} is not a PEM X.509 certificate`, { cause });
  }
  return Buffer.from(pem);
}
