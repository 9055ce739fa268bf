/**
 * Typed application errors; {@link HttpErrorFilter} is the one place that maps them to HTTP.
 * The message always says what is wrong, naming the field or the resource.
 */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class BadInputError extends AppError {
  override name = 'BadInputError';

  constructor(message: string) {
    super(400, 'INPUT_INVALID', message);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';

  constructor(what: string, id: string) {
    super(404, 'NOT_FOUND', `${what} ${id} does not exist`);
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError';

  constructor(message: string) {
    super(409, 'CONFLICT', message);
  }
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';

  constructor(message: string) {
    super(403, 'FORBIDDEN', message);
  }
}

export class UnauthorizedError extends AppError {
  override name = 'UnauthorizedError';

  constructor(message: string) {
    super(401, 'UNAUTHORIZED', message);
  }
}

/** The database or the ledger could not take the request right now; the client may retry. */
export class UnavailableError extends AppError {
  override name = 'UnavailableError';

  constructor(message: string, cause?: unknown) {
    super(503, 'UNAVAILABLE', message, { cause });
  }
}

/** Too many requests from this client (e.g. failed authentications); `retryAfterSeconds` says when to try again. */
export class TooManyRequestsError extends AppError {
  override name = 'TooManyRequestsError';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'RATE_LIMITED', message);
  }
}

/** The configured ledger driver cannot carry this chaincode function safely (see `LedgerFunctions`); nothing stored. */
export class DriverUnsupportedError extends AppError {
  override name = 'DriverUnsupportedError';

  constructor(message: string) {
    super(501, 'LEDGER_DRIVER_UNSUPPORTED', message);
  }
}

/**
 * A partner-signed request (X-Ca-* headers, Haide `sign`) that is refused: 401, nothing stored.
 * `SIGNATURE_HEADERS` missing/malformed header, `SIGNATURE_TIMESTAMP` more than 5 minutes off,
 * `SIGNATURE_APP` unknown appId or one not issued for this adapter and mall, `SIGNATURE_INVALID` HMAC mismatch,
 * `SIGNATURE_REPLAY` nonce already used.
 */
export type SignatureErrorCode =
  'SIGNATURE_HEADERS' | 'SIGNATURE_TIMESTAMP' | 'SIGNATURE_APP' | 'SIGNATURE_INVALID' | 'SIGNATURE_REPLAY';

export class SignatureError extends AppError {
  override name = 'SignatureError';

  constructor(code: SignatureErrorCode, message: string) {
    super(401, code, message);
  }
}

/**
 * A device proof (Huina `deviceProof`, Haide `eReceipt`) the middleware refuses before relaying it: 400, or 409
 * for a device that cannot attest now. `PROOF_DIGEST` digest is not base64url SHA-256 of JCS(records),
 * `PROOF_PERIOD` the records span more than one day, `PROOF_DEVICE` unknown device, `PROOF_INACTIVE` device
 * suspended or revoked (409), `PROOF_KEY` no device key valid at the measurement time, `PROOF_SIGNATURE` signature
 * does not verify, `PROOF_CONFLICT` this device sequence was already used for other records (409),
 * `PROOF_DEVICE_TYPE` the signing device is registered as another type (an e-receipt needs a `receipt_printer`).
 */
export type DeviceProofErrorCode =
  | 'PROOF_DIGEST'
  | 'PROOF_PERIOD'
  | 'PROOF_DEVICE'
  | 'PROOF_INACTIVE'
  | 'PROOF_KEY'
  | 'PROOF_SIGNATURE'
  | 'PROOF_CONFLICT'
  | 'PROOF_DEVICE_TYPE';

export class DeviceProofError extends AppError {
  override name = 'DeviceProofError';

  constructor(code: DeviceProofErrorCode, message: string) {
    super(code === 'PROOF_INACTIVE' || code === 'PROOF_CONFLICT' ? 409 : 400, code, message);
  }
}

/** A site tree that a push would break: `SITE_PARENT` unknown parent, `SITE_CYCLE` a parent loop. 400. */
export class SiteTreeError extends AppError {
  override name = 'SiteTreeError';

  constructor(
    readonly siteCode: 'SITE_PARENT' | 'SITE_CYCLE',
    message: string,
  ) {
    super(400, siteCode, message);
  }
}

/**
 * A Haide redemption or adjustment the chaincode refused when the peer simulated it, before anything was stored:
 * the chaincode's code is kept (`AUTH_SIGNATURE` forged consent, `POINTS_CONSENT_EXPIRED`, `POINTS_CONSENT_REQUIRED`,
 * `NOT_FOUND` no active member DID, …). 409 for `POINTS_NONCE_REPLAYED` (a consent used already) and
 * `POINTS_INSUFFICIENT`, else 400.
 */
export class SpendRefusedError extends AppError {
  override name = 'SpendRefusedError';

  constructor(code: string, message: string) {
    super(code === 'POINTS_NONCE_REPLAYED' || code === 'POINTS_INSUFFICIENT' ? 409 : 400, code, message);
  }
}

/**
 * A signed DID or status operation the middleware refuses before relaying it (nothing stored):
 * `DID_SIGNATURE` (400) the proof is not by an allowed key of the DID or does not verify,
 * `DID_NOT_SELF_CERTIFYING` (400) a creation not signed by the key the DID is derived from,
 * `DID_STALE` (409) the operation replaces a version that is no longer current,
 * `DID_DEACTIVATED` (409) the DID is deactivated, `DID_EXISTS` (409) the DID is already anchored.
 */
export type DidOperationErrorCode =
  'DID_SIGNATURE' | 'DID_NOT_SELF_CERTIFYING' | 'DID_STALE' | 'DID_DEACTIVATED' | 'DID_EXISTS';

export class DidOperationError extends AppError {
  override name = 'DidOperationError';

  constructor(code: DidOperationErrorCode, message: string) {
    super(code === 'DID_SIGNATURE' || code === 'DID_NOT_SELF_CERTIFYING' ? 400 : 409, code, message);
  }
}
