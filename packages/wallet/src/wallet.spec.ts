import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCompactConsent, didOperationPayload, redeemConsentPayload } from '@mallchain/wire';
// The chaincode's own checks: what the wallet signs must verify exactly as the peers verify it.
import { toBytes } from '../../../chaincode/src/common/canonical';
import { verifySignature } from '../../../chaincode/src/common/signature';
import { didFromJwk, validateDocument } from '../../../chaincode/src/dids/did.document';
import { compactConsent, consentQr } from './consent';
import { presentCredentials, readCredential } from './credential';
import { kidOf } from './did';
import { type KeyAlg, type WalletKey, generateKey, signBytes, verifyPayload, jcs } from './keys';
import { emptyWallet, openKeystore, readKeystore, writeKeystore } from './keystore';
import { Wallet } from './wallet';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const CH = 'mallchannel';

function methodKey(doc: { verificationMethod: { id: string; publicKeyJwk: unknown }[] }, kid: string): never {
  const m = doc.verificationMethod.find((v) => v.id === kid);
  if (!m) throw new Error(`no ${kid}`);
  return m.publicKeyJwk as never;
}

describe('keystore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wallet-'));

  it('round-trips keys, DIDs and credentials under the passphrase', () => {
    const path = join(dir, 'a.json');
    const w = new Wallet(emptyWallet());
    w.createDid(CH, 'ES256');
    w.addKey('EdDSA');
    writeKeystore(path, w.contents, 'correct horse', FAST);
    const back = readKeystore(path, 'correct horse');
    expect(back).toEqual(JSON.parse(JSON.stringify(w.contents)));
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(String(w.contents.keys[0]?.privateJwk.d));
    expect(text).not.toContain('did:mallchain');
  });

  it('refuses a wrong passphrase, a changed ciphertext and a weakened KDF parameter', () => {
    const path = join(dir, 'b.json');
    writeKeystore(path, emptyWallet(), 'correct horse', FAST);
    expect(() => readKeystore(path, 'wrong horse')).toThrow('wrong passphrase or damaged file');
    const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { kdf: { N: number } };
    const flipped = { ...file, ciphertext: `A${String(file.ciphertext).slice(1)}` };
    writeFileSync(path, JSON.stringify(flipped));
    expect(() => readKeystore(path, 'correct horse')).toThrow('wrong passphrase or damaged file');
    writeFileSync(path, JSON.stringify({ ...file, kdf: { ...file.kdf, N: 2 ** 11 } }));
    expect(() => readKeystore(path, 'correct horse')).toThrow('wrong passphrase or damaged file');
  });
  it('an opened keystore saves without a second derivation: same salt and parameters, a fresh IV, the new contents', () => {
    const path = join(dir, 'c.json');
    writeKeystore(path, emptyWallet(), 'correct horse', FAST);
    const before = JSON.parse(readFileSync(path, 'utf8')) as { kdf: unknown; cipher: { iv: string } };
    const store = openKeystore(path, 'correct horse');
    const w = new Wallet(store.contents);
    w.createDid(CH, 'EdDSA');
    store.save(w.contents);
    const after = JSON.parse(readFileSync(path, 'utf8')) as typeof before;
    expect(after.kdf).toEqual(before.kdf);
    expect(after.cipher.iv).not.toBe(before.cipher.iv);
    expect(readKeystore(path, 'correct horse')).toEqual(JSON.parse(JSON.stringify(w.contents)));
    expect(() => openKeystore(path, 'wrong horse')).toThrow('wrong passphrase or damaged file');
  });
});

describe.each<KeyAlg>(['ES256', 'EdDSA'])('%s keys', (alg) => {
  const data = jcs({ what: 'a payload', n: 1 });

  it('are new each time, sign verifiably, and a changed byte or another key does not verify', () => {
    const a = generateKey(alg, 'k1');
    const b = generateKey(alg, 'k2');
    expect(a.privateJwk.d).not.toBe(b.privateJwk.d);
    expect(Buffer.from(String(a.privateJwk.d), 'base64url')).toHaveLength(32);
    const sig = signBytes(a, data);
    expect(Buffer.from(sig, 'base64url')).toHaveLength(64);
    expect(verifySignature(a.publicJwk as never, data, sig)).toBe(true);
    expect(verifyPayload(a.publicJwk, { what: 'a payload', n: 1 }, sig)).toBe(true);
    expect(verifyPayload(a.publicJwk, { what: 'a payload', n: 2 }, sig)).toBe(false);
    expect(verifyPayload(b.publicJwk, { what: 'a payload', n: 1 }, sig)).toBe(false);
    // Deterministic (RFC 6979 / RFC 8032): signing draws no random number.
    expect(signBytes(a, data)).toBe(sig);
  });

  it('a key written by node:crypto (wallets of earlier versions) signs as node:crypto verifies; Ed25519 bytes match', () => {
    const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
    const jwk = pair.privateKey.export({ format: 'jwk' });
    const publicJwk =
      alg === 'ES256' ? { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } : { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
    const old: WalletKey = {
      id: 'k',
      alg,
      publicJwk: publicJwk as never,
      privateJwk: jwk,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const sig = signBytes(old, data);
    expect(verifySignature(old.publicJwk as never, data, sig)).toBe(true);
    if (alg === 'EdDSA')
      expect(sig).toBe(sign(null, data, createPrivateKey({ key: jwk, format: 'jwk' })).toString('base64url'));
  });

  it('refuses a key without a 32-byte private part', () => {
    const k = generateKey(alg, 'k');
    expect(() => signBytes({ ...k, privateJwk: { ...k.privateJwk, d: undefined } }, data)).toThrow(
      '32-byte private part',
    );
    expect(() => signBytes({ ...k, privateJwk: { ...k.privateJwk, d: 'AAAA' } }, data)).toThrow('32-byte private part');
  });
});

describe.each<KeyAlg>(['ES256', 'EdDSA'])('DID operations with %s keys', (alg) => {
  it('create: a self-certifying DID whose document the chaincode accepts, signed over the wire operation', () => {
    const w = new Wallet(emptyWallet());
    const req = w.createDid(CH, alg);
    const did = req.document.id;
    expect(validateDocument(req.document, did)).toEqual(req.document);
    expect(didFromJwk(methodKey(req.document, req.proof.kid))).toBe(did);
    const op = didOperationPayload({ channel: CH }, 'create', did, null, { role: 'member', document: req.document });
    expect(verifySignature(methodKey(req.document, req.proof.kid), toBytes(op), req.proof.signature)).toBe(true);
    // Bound to the channel: the same signature is no good on another one.
    const other = didOperationPayload({ channel: 'otherchannel' }, 'create', did, null, {
      role: 'member',
      document: req.document,
    });
    expect(verifySignature(methodKey(req.document, req.proof.kid), toBytes(other), req.proof.signature)).toBe(false);
  });

  it('rotate: the new document holds only the new key and the old key signs the update; deactivate after', () => {
    const w = new Wallet(emptyWallet());
    const created = w.createDid(CH, alg);
    const did = created.document.id;
    const rotated = w.rotate(CH, did, alg);
    expect(rotated.previousVersionId).toBe('1');
    expect(rotated.proof.kid).toBe(created.proof.kid);
    expect(rotated.document.verificationMethod.map((m) => m.id)).not.toContain(created.proof.kid);
    validateDocument(rotated.document, did);
    const op = didOperationPayload({ channel: CH }, 'update', did, '1', { document: rotated.document });
    expect(verifySignature(methodKey(created.document, created.proof.kid), toBytes(op), rotated.proof.signature)).toBe(
      true,
    );
    const gone = w.deactivate(CH, did);
    expect(gone.previousVersionId).toBe('2');
    const deact = didOperationPayload({ channel: CH }, 'deactivate', did, '2');
    const newKid = rotated.document.verificationMethod[0]!.id;
    expect(gone.proof.kid).toBe(newKid);
    expect(verifySignature(methodKey(rotated.document, newKid), toBytes(deact), gone.proof.signature)).toBe(true);
    expect(() => w.consentRedeem(CH, did, { merchant: 'm', programId: 'p', amount: 1 })).toThrow('deactivated');
  });

  it('claim: a document of the wallet key only, with the wallet key proving possession over the update', () => {
    const custodial = generateKey('ES256', 'custodial');
    const did = didFromJwk(custodial.publicJwk);
    const w = new Wallet(emptyWallet());
    const claim = w.claim(CH, did, '1', alg);
    validateDocument(claim.document, did);
    expect(claim.document.verificationMethod).toHaveLength(1);
    expect(JSON.stringify(claim.document)).not.toContain(custodial.publicJwk.x);
    const op = didOperationPayload({ channel: CH }, 'update', did, '1', { document: claim.document });
    expect(
      verifySignature(methodKey(claim.document, claim.possession.kid), toBytes(op), claim.possession.signature),
    ).toBe(true);
    expect(w.did(did).versionId).toBe('2');
  });
});

describe('consents', () => {
  const w = new Wallet(emptyWallet());
  const did = w.createDid(CH, 'EdDSA').document.id;

  it('a redeem consent verifies over the chaincode payload and round-trips through the compact string', async () => {
    const c = w.consentRedeem(CH, did, { merchant: 'mall-b-parking', programId: 'mall-a-points', amount: 120 });
    const compact = compactConsent(c);
    expect(compact).toMatch(/^mcc1\.[A-Za-z0-9_-]+$/);
    const back = decodeCompactConsent(compact);
    if (typeof back === 'string') throw new Error(back);
    expect(back).toEqual(c);
    const key = w.controller(did).publicJwk as never;
    const p = back.payload as Extract<typeof back.payload, { action: 'points.redeem' }>;
    const expected = redeemConsentPayload({ channel: CH }, p);
    expect(verifySignature(key, toBytes(expected), back.proof.signature)).toBe(true);
    expect(verifySignature(key, toBytes({ ...expected, amount: 121 }), back.proof.signature)).toBe(false);
    expect(back.proof.kid).toBe(kidOf(did, w.controller(did)));
    const qr = await consentQr(c);
    expect(qr.split('\n').length).toBeGreaterThan(20);
  });

  it('transfer and exchange consents carry their own action and fields', () => {
    const t = decodeCompactConsent(
      compactConsent(w.consentTransfer(CH, did, { to: did.replace(/.$/, 'A'), programId: 'p', amount: 5 })),
    );
    const x = decodeCompactConsent(
      compactConsent(w.consentExchange(CH, did, { fromProgram: 'a', toProgram: 'b', amount: 10, receive: 5 })),
    );
    expect(typeof t !== 'string' && t.payload.action).toBe('points.transfer');
    expect(typeof x !== 'string' && x.payload.action).toBe('points.exchange');
  });

  it.each([
    ['x', 'must start with mcc1.'],
    ['mcc1.!!', 'base64url'],
    [`mcc1.${Buffer.from('[1]').toString('base64url')}`, 'an object'],
    [`mcc1.${Buffer.from('{"action":"points.mint"}').toString('base64url')}`, 'consent.action'],
    [`mcc1.${'A'.repeat(3000)}`, 'at most 2048'],
  ])('a malformed compact consent (case %#) is refused with its reason', (text, message) => {
    expect(decodeCompactConsent(text)).toContain(message);
  });

  it('a compact consent with an extra or a non-integer member is refused', () => {
    const c = w.consentRedeem(CH, did, { merchant: 'm', programId: 'p', amount: 3 });
    const enc = (o: object): string => `mcc1.${Buffer.from(JSON.stringify(o)).toString('base64url')}`;
    const base = { ...c.payload, ...c.proof };
    expect(decodeCompactConsent(enc({ ...base, extra: 1 }))).toContain('unexpected member extra');
    expect(decodeCompactConsent(enc({ ...base, amount: 1.5 }))).toContain('consent.amount');
    expect(decodeCompactConsent(enc({ ...base, chaincode: 'other' }))).toContain('consent.chaincode');
  });
});

describe('membership credentials', () => {
  const w = new Wallet(emptyWallet());
  const did = w.createDid(CH, 'ES256').document.id;
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const vc = (sub: string): string =>
    `${b64({ alg: 'ES256' })}.${b64({ iss: 'did:mallchain:issuer', sub, vc: { type: ['VerifiableCredential', 'MembershipCredential'] } })}.sig`;

  it('holds a credential of its DID and presents it bound to audience and nonce, signed by its key', () => {
    expect(w.addCredential(vc(did)).types).toContain('MembershipCredential');
    const vp = w.present(did, 'https://mall-b.example.com', 'n-123');
    const [h, p, s] = vp.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: did, aud: 'https://mall-b.example.com', nonce: 'n-123' });
    const key = w.controller(did).publicJwk as never;
    expect(verifySignature(key, Buffer.from(`${h!}.${p!}`), s!)).toBe(true);
  });

  it('refuses a credential of another subject and a token that is no VC', () => {
    expect(() => w.addCredential(vc('did:mallchain:someoneelse'))).toThrow('not in this wallet');
    expect(() => readCredential('a.b')).toThrow('not a compact JWT');
    expect(() => readCredential(`${b64({})}.${b64({ sub: did })}.x`)).toThrow('no vc claim');
    expect(() => presentCredentials(did, w.controller(did), [vc('did:x')], 'a', 'n')).toThrow('issued to did:x');
  });
});
