/**
 * The seams to the partner-credentials feature (appId/secret issued per mall, stored encrypted, and the nonce
 * store). The Huina adapter codes against these only; the application binds the real implementations.
 */

/** Nest injection token of {@link PartnerCredentials}. */
export const PARTNER_CREDENTIALS = Symbol('PARTNER_CREDENTIALS');
/** Nest injection token of {@link PartnerNonces}. */
export const PARTNER_NONCES = Symbol('PARTNER_NONCES');

/** A calling system's credential, with its secret in clear (needed to verify an HMAC; never logged). */
export interface PartnerCredential {
  readonly appId: string;
  /** Which adapter the credential is for (`huina`, `haide`). */
  readonly kind: string;
  readonly mallMspId: string;
  /** The mall's code in the partner's system (Huina `customerId`, Haide `orgCode`). */
  readonly orgCode: string;
  readonly secret: Buffer;
}

export interface PartnerCredentials {
  /** The active credential of `appId`, or undefined for an unknown or revoked one. */
  resolve(appId: string): Promise<PartnerCredential | undefined>;
}

export interface PartnerNonces {
  /** Records the nonce of a signed request; false when `appId` already used it (a replay). */
  claim(appId: string, nonce: string, timestampMs: number): Promise<boolean>;
}
