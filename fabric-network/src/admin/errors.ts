/** Stable reasons an admin operation is refused; the middleware maps them to HTTP statuses. */
export type AdminErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'SIGNATURES_MISSING'
  | 'NOT_ADMIN'
  | 'STALE_PROPOSAL'
  | 'NOT_READY';

export interface AdminErrorDetails {
  readonly hint?: string;
  /** For SIGNATURES_MISSING: the organisations (or principals) whose admin signatures are missing. */
  readonly missing?: readonly string[];
  /** For NOT_ADMIN: the identity whose signature does not count, e.g. `User1@mall-a.example.com (MallAMSP)`. */
  readonly signer?: string;
}

/**
 * A refused admin operation. The message starts with the stable `code` and says what is
 * wrong; `details` carries the machine-readable part.
 */
export class AdminError extends Error {
  override readonly name = 'AdminError';

  constructor(
    readonly code: AdminErrorCode,
    message: string,
    readonly details: AdminErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(`${code}: ${message}`, options);
  }

  /** The message with its hint, as the CLI prints it. */
  describe(): string {
    return this.details.hint ? `${this.message}\nhint: ${this.details.hint}` : this.message;
  }
}
