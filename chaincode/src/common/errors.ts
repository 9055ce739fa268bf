/**
 * Every refusal leaves the chaincode as `CODE: message`, where the code prefix is stable
 * (`INPUT_`, `AUTH_`, `POINTS_`, `DID_`, `DEVICE_`, `STATUS_`, `JOINTSTATS_`, `NOT_FOUND`, `CONFLICT`) so that
 * clients can map it without parsing prose. Throwing fails endorsement, so nothing is written.
 */
export class ChaincodeError extends Error {
  override readonly name = 'ChaincodeError';

  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** A request that is malformed: names the field and what is wrong with it. */
export function inputError(field: string, problem: string): ChaincodeError {
  return new ChaincodeError('INPUT_INVALID', `${field}: ${problem}`);
}

/** A refusal of who submits or signs; the code says which check failed. */
export function authError(code: 'AUTH_FORBIDDEN' | 'AUTH_ROLE' | 'AUTH_SIGNATURE', detail: string): ChaincodeError {
  return new ChaincodeError(code, detail);
}

/** A refusal because a record the request names is not on the ledger. */
export function notFound(what: string, id: string): ChaincodeError {
  return new ChaincodeError('NOT_FOUND', `${what} ${id} does not exist`);
}

/** A refusal because a record that may be written only once already exists. */
export function conflict(detail: string): ChaincodeError {
  return new ChaincodeError('CONFLICT', detail);
}
