/**
 * The wallet's state machine over the keystore contents: keys, the DIDs they control and the credentials held.
 * Every method returns the signed request to submit; the wallet's record moves to the version the request
 * creates (an operation the ledger refused is re-signed with `--version`).
 */
import type { SignedConsent } from '@mallchain/wire';
import { signExchangeConsent, signRedeemConsent, signTransferConsent } from './consent';
import { presentCredentials, readCredential, type CredentialSummary } from './credential';
import {
  type ClaimRequest,
  type CreateDidRequest,
  type DeactivateDidRequest,
  type UpdateDidRequest,
  claimDid,
  createDid,
  deactivateDid,
  didOf,
  rotateKey,
} from './did';
import { type KeyAlg, type WalletKey, generateKey } from './keys';
import type { WalletContents, WalletDid } from './keystore';

export class Wallet {
  constructor(readonly contents: WalletContents) {}

  addKey(alg: KeyAlg): WalletKey {
    const key = generateKey(alg, `key-${this.contents.keys.length + 1}`);
    this.contents.keys.push(key);
    return key;
  }

  key(id: string): WalletKey {
    const k = this.contents.keys.find((x) => x.id === id);
    if (!k) throw new Error(`wallet: no key ${id}`);
    return k;
  }

  did(did: string): WalletDid {
    const d = this.contents.dids.find((x) => x.did === did);
    if (!d) throw new Error(`wallet: ${did} is not in this wallet`);
    if (d.deactivated) throw new Error(`wallet: ${did} is deactivated`);
    return d;
  }

  /** The key that controls `did` now (the first of its document). */
  controller(did: string): WalletKey {
    const d = this.did(did);
    if (d.custodial) throw new Error(`wallet: ${did} is custodial until its claim is anchored`);
    const [first] = d.keyIds;
    if (first === undefined) throw new Error(`wallet: ${did} has no key in this wallet`);
    return this.key(first);
  }

  createDid(channel: string, alg: KeyAlg): CreateDidRequest {
    const key = this.addKey(alg);
    const request = createDid(channel, key);
    this.contents.dids.push({ did: didOf(key.publicJwk), versionId: '1', keyIds: [key.id] });
    return request;
  }

  /** Replaces the controller key by a new one; `previousVersionId` defaults to the version the wallet knows. */
  rotate(channel: string, did: string, alg: KeyAlg, previousVersionId?: string): UpdateDidRequest {
    const d = this.did(did);
    const current = this.controller(did);
    const next = this.addKey(alg);
    const prev = previousVersionId ?? d.versionId;
    const request = rotateKey(channel, did, prev, current, next);
    d.versionId = String(Number(prev) + 1);
    d.keyIds = [next.id];
    return request;
  }

  deactivate(channel: string, did: string, previousVersionId?: string): DeactivateDidRequest {
    const d = this.did(did);
    const prev = previousVersionId ?? d.versionId;
    const request = deactivateDid(channel, did, prev, this.controller(did));
    d.versionId = String(Number(prev) + 1);
    d.deactivated = true;
    return request;
  }

  /** Claims a custodial DID at `previousVersionId` with a new wallet key (see {@link claimDid}). */
  claim(channel: string, did: string, previousVersionId: string, alg: KeyAlg): ClaimRequest {
    if (this.contents.dids.some((x) => x.did === did && !x.custodial))
      throw new Error(`wallet: ${did} is already held`);
    const key = this.addKey(alg);
    const request = claimDid(channel, did, previousVersionId, key);
    this.contents.dids = this.contents.dids.filter((x) => x.did !== did);
    this.contents.dids.push({ did, versionId: String(Number(previousVersionId) + 1), keyIds: [key.id] });
    return request;
  }

  consentRedeem(
    channel: string,
    did: string,
    t: { merchant: string; programId: string; amount: number; deadline?: string; nonce?: string },
  ): SignedConsent {
    return signRedeemConsent(channel, { ...t, member: did }, this.controller(did));
  }

  consentTransfer(
    channel: string,
    did: string,
    t: { to: string; programId: string; amount: number; deadline?: string; nonce?: string },
  ): SignedConsent {
    return signTransferConsent(channel, { ...t, from: did }, this.controller(did));
  }

  consentExchange(
    channel: string,
    did: string,
    t: { fromProgram: string; toProgram: string; amount: number; receive: number; deadline?: string; nonce?: string },
  ): SignedConsent {
    return signExchangeConsent(channel, { ...t, member: did }, this.controller(did));
  }

  /** Keeps a credential issued to one of this wallet's DIDs. */
  addCredential(jwt: string): CredentialSummary {
    const summary = readCredential(jwt);
    this.did(summary.subject);
    if (!this.contents.credentials.includes(jwt)) this.contents.credentials.push(jwt);
    return summary;
  }

  credentials(): CredentialSummary[] {
    return this.contents.credentials.map((c) => readCredential(c));
  }

  /** A presentation of every credential held for `did`, for `audience` and its `nonce`. */
  present(did: string, audience: string, nonce: string): string {
    const held = this.credentials().filter((c) => c.subject === did);
    if (held.length === 0) throw new Error(`wallet: no credential held for ${did}`);
    return presentCredentials(
      did,
      this.controller(did),
      held.map((c) => c.jwt),
      audience,
      nonce,
    );
  }
}
