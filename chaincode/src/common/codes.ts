/**
 * The one registry of error codes the chaincode throws: code, meaning and the HTTP status a
 * client should answer with. Every refusal goes through {@link ChaincodeError}, whose `code`
 * is typed as a key of this table, and a test holds the error tables of docs/points.md,
 * docs/devices.md, docs/did-method.md and docs/joint-stats.md equal to it.
 *
 * This file imports nothing (no Fabric, no Node modules): the workspace package
 * `@mallchain/error-codes` (packages/error-codes/) compiles this very file, and the middleware answers a
 * chaincode refusal with the `http` status declared here (middleware/src/common/http-error.filter.ts,
 * held equal by its spec) instead of guessing from code prefixes. A code added here reaches
 * the middleware with the next build; the chaincode itself depends on nothing outside chaincode/.
 */
export interface CodeInfo {
  /** HTTP status a gateway answers with when the chaincode refuses with this code. */
  readonly http: 400 | 403 | 404 | 409 | 422;
  /** The contracts (docs) that throw it: `common` codes appear in every table. */
  readonly domain: 'common' | 'points' | 'dids' | 'devices' | 'jointstats';
  readonly meaning: string;
}

export const ERROR_CODES = {
  INPUT_INVALID: { http: 400, domain: 'common', meaning: 'malformed request; the detail names the field' },
  AUTH_ROLE: { http: 403, domain: 'common', meaning: 'the identity does not hold the NodeOU role required' },
  AUTH_FORBIDDEN: { http: 403, domain: 'common', meaning: 'the identity belongs to the wrong organisation' },
  AUTH_SIGNATURE: {
    http: 403,
    domain: 'common',
    meaning: 'signing key not allowed, signature not valid, weak key, or the signer deactivated',
  },
  NOT_FOUND: { http: 404, domain: 'common', meaning: 'a record the request names does not exist' },
  CONFLICT: {
    http: 409,
    domain: 'common',
    meaning: 'a record that is written once already exists, or its ID is taken',
  },
  LIMIT_EXCEEDED: {
    http: 422,
    domain: 'common',
    meaning: 'the transaction would read more records than one transaction may; nothing was cut silently',
  },
  TIME_BACKWARDS: {
    http: 409,
    domain: 'common',
    meaning: 'the transaction time is not after the time of the record it would replace',
  },
  POINTS_INSUFFICIENT: {
    http: 422,
    domain: 'points',
    meaning: 'not enough available points (or not enough left in the lot to reverse)',
  },
  POINTS_MEMBER_INACTIVE: { http: 422, domain: 'points', meaning: "the member's DID is deactivated" },
  POINTS_CONSENT_REQUIRED: { http: 422, domain: 'points', meaning: 'cross-mall redemption without consent' },
  POINTS_CONSENT_EXPIRED: {
    http: 422,
    domain: 'points',
    meaning: 'consent deadline before transaction time, or further ahead than the longest allowed window',
  },
  POINTS_NONCE_REPLAYED: { http: 409, domain: 'points', meaning: 'the member already used this nonce' },
  POINTS_MERCHANT_SUSPENDED: { http: 422, domain: 'points', meaning: 'redemption at a suspended merchant' },
  POINTS_RATE_NOT_APPROVED: { http: 422, domain: 'points', meaning: 'exchange without an approved rate' },
  POINTS_RATE_MISMATCH: { http: 409, domain: 'points', meaning: 'approval with terms other than the proposal' },
  POINTS_RATE_STATE: {
    http: 409,
    domain: 'points',
    meaning: 'approving a rate that is already approved, or proposing over an approved one',
  },
  POINTS_PERIOD_OPEN: {
    http: 422,
    domain: 'points',
    meaning: 'closing a period that has not ended at least the settlement lag ago',
  },
  POINTS_PERIOD_CLOSED: {
    http: 409,
    domain: 'points',
    meaning: 'the period overlaps a closed one, or a clearing entry would fall in a closed period',
  },
  POINTS_PERIOD_GAP: {
    http: 409,
    domain: 'points',
    meaning: 'the period does not start where the last closed one ended (or after an unsettled entry)',
  },
  POINTS_NAMESPACE_HELD: {
    http: 409,
    domain: 'points',
    meaning: 'the ID lies in (or the claim names) a namespace another mall holds or already uses',
  },
  POINTS_PERIOD_CLOSING: {
    http: 409,
    domain: 'points',
    meaning: 'the close of another period is in progress; repeat ClosePeriod with its bounds first',
  },
  POINTS_UNIT_VALUE_CHANGING: {
    http: 409,
    domain: 'points',
    meaning: "a redemption or exchange within 15 minutes (the peer's time window) of a scheduled unit value change",
  },
  POINTS_ALREADY_CONFIRMED: { http: 409, domain: 'points', meaning: 'the mall already confirmed this statement' },
  DID_EXISTS: { http: 409, domain: 'dids', meaning: 'the DID is already anchored' },
  DID_NOT_SELF_CERTIFYING: {
    http: 422,
    domain: 'dids',
    meaning: 'the creation is not signed by the key the DID is derived from',
  },
  DID_STALE: { http: 409, domain: 'dids', meaning: 'the operation replaces a version that is no longer current' },
  DID_DEACTIVATED: { http: 422, domain: 'dids', meaning: 'the DID is deactivated' },
  STATUS_VERSION: { http: 409, domain: 'dids', meaning: 'a status list version that does not follow the latest' },
  STATUS_PURPOSE: { http: 409, domain: 'dids', meaning: 'the status list has another purpose' },
  DEVICE_EXISTS: { http: 409, domain: 'devices', meaning: 'the DID is already registered' },
  DEVICE_STATE: {
    http: 409,
    domain: 'devices',
    meaning: "the status change is not allowed from the device's current status",
  },
  DEVICE_CHANNEL: { http: 422, domain: 'devices', meaning: 'the statement is signed for another channel' },
  DEVICE_INACTIVE: { http: 422, domain: 'devices', meaning: 'the device is suspended or revoked' },
  DEVICE_RELAY: { http: 422, domain: 'devices', meaning: 'the relaying DID is not an active registered gateway' },
  DEVICE_WINDOW: { http: 422, domain: 'devices', meaning: '`periodEnd` lies outside the submission window' },
  DEVICE_KEY: {
    http: 422,
    domain: 'devices',
    meaning: '`kid` is not a key of the device, or was not valid at `periodEnd`',
  },
  DEVICE_TYPE: {
    http: 422,
    domain: 'devices',
    meaning: "the device's registered type does not sign this kind of statement (a receipt needs a receipt_printer)",
  },
  DEVICE_ALG: { http: 422, domain: 'devices', meaning: "the key's algorithm is not allowed, or differs from `alg`" },
  DEVICE_SEQ: {
    http: 409,
    domain: 'devices',
    meaning: "`seq` is not greater than the device's last accepted one, or jumps further than allowed",
  },
  JOINTSTATS_UNKNOWN_ROUND: {
    http: 404,
    domain: 'jointstats',
    meaning: 'the round ID names no round',
  },
  JOINTSTATS_NOT_PARTICIPANT: {
    http: 403,
    domain: 'jointstats',
    meaning: "the caller's mall (or the named dealer) is not a participant",
  },
  JOINTSTATS_PHASE: {
    http: 409,
    domain: 'jointstats',
    meaning:
      'not the phase the transaction needs (deal before all joined, partial while dealing is open, anything after the result, GetDeal of a mall that has not dealt)',
  },
  JOINTSTATS_LATE: {
    http: 409,
    domain: 'jointstats',
    meaning: 'join or deal at or after the deadline',
  },
  JOINTSTATS_DUPLICATE: {
    http: 409,
    domain: 'jointstats',
    meaning:
      'a second round with the ID, second join, deal or (current) partial of a mall, a complaint against a disqualified dealer',
  },
  JOINTSTATS_SHAPE: {
    http: 400,
    domain: 'jointstats',
    meaning:
      'commitments not buckets × t, blobs not exactly one per other participant, partial not one entry per bucket',
  },
  JOINTSTATS_ENCODING: {
    http: 400,
    domain: 'jointstats',
    meaning: 'a point, scalar or blob not canonically encoded, a point not on P-256',
  },
  JOINTSTATS_SMALL_GROUP: {
    http: 422,
    domain: 'jointstats',
    meaning:
      'fewer participants than minContributors; a partial value for a suppressed bucket; every bucket suppressed',
  },
  JOINTSTATS_TOO_FEW_PARTIALS: {
    http: 409,
    domain: 'jointstats',
    meaning: 'FinalizeRound with fewer than t valid partials',
  },
  JOINTSTATS_COMPLAINT_PROOF: {
    http: 422,
    domain: 'jointstats',
    meaning:
      "a complaint's proof does not show that sharedPoint is the ECDH point of the complainant's round key and the blob",
  },
  JOINTSTATS_COMPLAINT_UNFOUNDED: {
    http: 422,
    domain: 'jointstats',
    meaning: "a complaint against a blob that decrypts and whose every share matches the dealer's commitments",
  },
  JOINTSTATS_UNATTESTED: {
    http: 422,
    domain: 'jointstats',
    meaning:
      "a deal of an attested round whose bucket cites no anchored traffic attestation of the dealer's own devices over that bucket",
  },
  JOINTSTATS_SHARE_HASH: {
    http: 422,
    domain: 'jointstats',
    meaning:
      "private delivery: a blob that is not the one its SHA-256 on the ledger names (deal, complaint), or no blob in the caller's implicit collection",
  },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Whether `code` is a code of the registry (for clients reading `CODE: detail` messages). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/** The HTTP status for a chaincode refusal code; 500 for a code the registry does not know. */
export function httpStatusOf(code: string): number {
  return isErrorCode(code) ? ERROR_CODES[code].http : 500;
}
