/**
 * Member consents for redeem, transfer and exchange: the payload from `@mallchain/wire`, signed over its JCS
 * by a key of the member's DID, shown as a compact string (`mcc1.…`) and as a terminal QR code for the POS.
 */
import { randomBytes } from 'node:crypto';
import {
  type ConsentPayload,
  type ExchangeConsentTerms,
  type RedeemConsentTerms,
  type SignedConsent,
  type TransferConsentTerms,
  encodeCompactConsent,
  exchangeConsentPayload,
  redeemConsentPayload,
  transferConsentPayload,
} from '@mallchain/wire';
import qrcode from 'qrcode-terminal';
import { kidOf } from './did';
import { type WalletKey, signPayload } from './keys';

/** The chaincode caps a consent's deadline at one hour after the transaction time; the wallet's default is 10 min. */
export const DEFAULT_CONSENT_MINUTES = 10;

/** A fresh single-use nonce: 16 random bytes, base64url (the chaincode's nonce rule: ≤ 64 of [A-Za-z0-9_-]). */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** A deadline `minutes` from `now`, ISO-8601 UTC. */
export function deadlineIn(minutes: number, now = new Date()): string {
  return new Date(now.getTime() + minutes * 60_000).toISOString();
}

type Unsigned<T> = Omit<T, 'nonce' | 'deadline'> & { nonce?: string; deadline?: string };

function signed(payload: ConsentPayload, did: string, key: WalletKey): SignedConsent {
  return { payload, proof: { kid: kidOf(did, key), signature: signPayload(key, payload) } };
}

function terms<T extends object>(t: Unsigned<T>): T {
  return { ...t, nonce: t.nonce ?? newNonce(), deadline: t.deadline ?? deadlineIn(DEFAULT_CONSENT_MINUTES) } as T;
}

/** Consent to redeem `amount` points of `programId` at `merchant`; `member` is the DID `key` belongs to. */
export function signRedeemConsent(channel: string, t: Unsigned<RedeemConsentTerms>, key: WalletKey): SignedConsent {
  return signed(redeemConsentPayload({ channel }, terms(t)), t.member, key);
}

/** Consent (by the sender `from`) to move points to another member. */
export function signTransferConsent(channel: string, t: Unsigned<TransferConsentTerms>, key: WalletKey): SignedConsent {
  return signed(transferConsentPayload({ channel }, terms(t)), t.from, key);
}

/** Consent to exchange points between programs at an approved rate. */
export function signExchangeConsent(channel: string, t: Unsigned<ExchangeConsentTerms>, key: WalletKey): SignedConsent {
  return signed(exchangeConsentPayload({ channel }, terms(t)), t.member, key);
}

/** The compact string a POS scans. */
export function compactConsent(c: SignedConsent): string {
  return encodeCompactConsent(c);
}

/** The compact string as a QR code drawn with terminal characters. */
export function consentQr(c: SignedConsent): Promise<string> {
  return new Promise((resolve) => {
    qrcode.generate(compactConsent(c), { small: true }, (text: string) => {
      resolve(text);
    });
  });
}
