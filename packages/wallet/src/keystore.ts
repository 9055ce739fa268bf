/**
 * The encrypted keystore file: everything secret (private keys, DIDs, credentials) sealed with AES-256-GCM
 * under a key derived from the passphrase with scrypt. The header (format, KDF and cipher parameters) is the
 * additional authenticated data, so a tampered parameter fails to open instead of weakening the store.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { jcs, type WalletKey } from './keys';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's scrypt floor (N = 2^17, r = 8, p = 1): about 128 MiB and a few hundred ms per open. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const MIN_N = 2 ** 10;

/** A DID the wallet controls (or is claiming), with the last version it knows. */
export interface WalletDid {
  readonly did: string;
  versionId: string;
  /** Key IDs (keystore) of the methods in the current document, the first one is the controller. */
  keyIds: string[];
  /** Custodial: the mall still holds the controller key until the claim is anchored. */
  custodial?: boolean;
  deactivated?: boolean;
}

export interface WalletContents {
  keys: WalletKey[];
  dids: WalletDid[];
  /** Membership credentials, compact JWTs. */
  credentials: string[];
}

interface Header {
  readonly format: 'mallchain-wallet';
  readonly version: 1;
  readonly kdf: { readonly name: 'scrypt'; readonly salt: string } & ScryptParams;
  readonly cipher: { readonly name: 'aes-256-gcm'; readonly iv: string };
}

interface StoreFile extends Header {
  readonly ciphertext: string;
  readonly tag: string;
}

function derive(passphrase: string, h: Pick<Header, 'kdf'>): Buffer {
  const { N, r, p, salt } = h.kdf;
  if (!Number.isInteger(N) || N < MIN_N || (N & (N - 1)) !== 0) throw new Error('keystore: bad scrypt N');
  return scryptSync(passphrase.normalize('NFC'), Buffer.from(salt, 'base64url'), 32, {
    N,
    r,
    p,
    maxmem: 256 * N * r + 1024 * 1024,
  });
}

function headerOf(f: StoreFile): Header {
  return { format: f.format, version: f.version, kdf: f.kdf, cipher: f.cipher };
}

/** Seals `contents` into the file form under `key`, derived from the passphrase with `kdf`; a fresh IV each time. */
function sealWith(contents: WalletContents, key: Buffer, kdf: Header['kdf']): StoreFile {
  const header: Header = {
    format: 'mallchain-wallet',
    version: 1,
    kdf,
    cipher: { name: 'aes-256-gcm', iv: randomBytes(12).toString('base64url') },
  };
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(header.cipher.iv, 'base64url'));
  cipher.setAAD(jcs(header));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(contents), 'utf8'), cipher.final()]);
  return { ...header, ciphertext: ciphertext.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
}

/** Seals `contents` into the file form, under a key derived with a new salt. */
export function seal(contents: WalletContents, passphrase: string, scrypt: ScryptParams = DEFAULT_SCRYPT): StoreFile {
  const kdf: Header['kdf'] = { name: 'scrypt', salt: randomBytes(16).toString('base64url'), ...scrypt };
  return sealWith(contents, derive(passphrase, { kdf }), kdf);
}

/** The contents of a sealed store and the key that opened it; a wrong passphrase or any changed byte fails. */
function unseal(file: StoreFile, passphrase: string): { contents: WalletContents; key: Buffer } {
  const claimed = file as Partial<Record<'format' | 'version', unknown>>;
  if (claimed.format !== 'mallchain-wallet' || claimed.version !== 1) {
    throw new Error('keystore: not a mallchain wallet v1');
  }
  try {
    const header = headerOf(file);
    const key = derive(passphrase, header);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.cipher.iv, 'base64url'));
    decipher.setAAD(jcs(header));
    decipher.setAuthTag(Buffer.from(file.tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(file.ciphertext, 'base64url')), decipher.final()]);
    return { contents: JSON.parse(plain.toString('utf8')) as WalletContents, key };
  } catch {
    throw new Error('keystore: wrong passphrase or damaged file');
  }
}

/** Opens a sealed store; a wrong passphrase or any changed byte fails with one message. */
export function open(file: StoreFile, passphrase: string): WalletContents {
  return unseal(file, passphrase).contents;
}

/** A keystore file opened once: its contents, and `save` to write them back without deriving the key again. */
export interface OpenedKeystore {
  readonly contents: WalletContents;
  save(contents: WalletContents): void;
}

/**
 * Opens a keystore file for a read and a write: the scrypt key (the slow, memory-hard part) is derived once; a save
 * keeps the file's salt and parameters and seals under a fresh IV.
 */
export function openKeystore(path: string, passphrase: string): OpenedKeystore {
  const file = JSON.parse(readFileSync(path, 'utf8')) as StoreFile;
  const { contents, key } = unseal(file, passphrase);
  const kdf = headerOf(file).kdf;
  return {
    contents,
    save: (next) => {
      writeSealed(path, sealWith(next, key, kdf));
    },
  };
}

function writeSealed(path: string, sealed: StoreFile): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(sealed, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}

/** Reads and opens a keystore file. */
export function readKeystore(path: string, passphrase: string): WalletContents {
  return open(JSON.parse(readFileSync(path, 'utf8')) as StoreFile, passphrase);
}

/** Seals and writes a keystore file (mode 0600, written aside and renamed so a crash never leaves half a file). */
export function writeKeystore(path: string, contents: WalletContents, passphrase: string, scrypt?: ScryptParams): void {
  writeSealed(path, seal(contents, passphrase, scrypt));
}

export function emptyWallet(): WalletContents {
  return { keys: [], dids: [], credentials: [] };
}
