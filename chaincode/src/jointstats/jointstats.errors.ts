/**
 * The stable error codes of the `jointstats` contract (the `JOINTSTATS_` prefix of the
 * chaincode's `CODE: message` refusals, see common/errors.ts). Malformed JSON and missing
 * fields stay `INPUT_INVALID`, wrong roles `AUTH_ROLE`, like every other contract.
 */
import type { ErrorCode } from '../common/codes';
import { ChaincodeError } from '../common/errors';

/** The contract's own codes: the `JOINTSTATS_` entries of the registry (common/codes.ts). */
export type JointStatsCode = Extract<ErrorCode, `JOINTSTATS_${string}`>;

export function jointStatsError(code: JointStatsCode, detail: string): ChaincodeError {
  return new ChaincodeError(code, detail);
}
