/**
 * The stable error codes of the `jointstats` contract (the `JOINTSTATS_` prefix of the
 * chaincode's `CODE: message` refusals, see common/errors.ts). Malformed JSON and missing
 * fields stay `INPUT_INVALID`, wrong roles `AUTH_ROLE`, like every other contract.
 */
import { ChaincodeError } from '../common/errors';

export const JOINTSTATS_CODES = {
  /** The round ID names no round. */
  JOINTSTATS_UNKNOWN_ROUND: 'the round does not exist',
  /** The caller's mall is not among the round's participants. */
  JOINTSTATS_NOT_PARTICIPANT: 'the caller does not take part in the round',
  /** The round is not in the phase the transaction needs (e.g. a deal before everyone joined). */
  JOINTSTATS_PHASE: 'the round is not in the phase this needs',
  /** The transaction time is at or past the round's deadline. */
  JOINTSTATS_LATE: 'the round deadline has passed',
  /** The mall has already done this once (joined, dealt, published its partial) or the round exists. */
  JOINTSTATS_DUPLICATE: 'this may happen once',
  /** A vector's length does not fit the round (buckets × t commitments, one blob per other participant). */
  JOINTSTATS_SHAPE: 'the vector does not fit the round',
  /** A point, scalar or blob is not in its canonical encoding. */
  JOINTSTATS_ENCODING: 'a value is not canonically encoded',
  /** Small-group protection: too few contributors (round participants, or a bucket's dealers). */
  JOINTSTATS_SMALL_GROUP: 'too few contributors',
  /** Finalization needs t valid partials. */
  JOINTSTATS_TOO_FEW_PARTIALS: 'fewer than t valid partials',
} as const;

export type JointStatsCode = keyof typeof JOINTSTATS_CODES;

export function jointStatsError(code: JointStatsCode, detail: string): ChaincodeError {
  return new ChaincodeError(code, detail);
}
