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
