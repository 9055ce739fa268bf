import { status as GrpcStatus } from '@grpc/grpc-js';
import { parseChaincodeMessage, UNCODED_REJECTION, type LedgerErrorDetail } from './ledger.port';

/** What the retry policy should do about an error from the gateway. */
export type ErrorKind =
  /** the chaincode refused, with a coded message every endorser agrees on: never retry */
  | 'rejected'
  /** deadline passed: the same request may still succeed, re-send it */
  | 'timeout'
  /** the peer (or the orderer behind it) is not reachable right now: re-send, preferably elsewhere */
  | 'unavailable'
  /** anything else: give up */
  | 'fatal';

interface GatewayErrorShape {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly details?: unknown;
  readonly transactionId?: unknown;
}

const CHAINCODE_RESPONSE = /chaincode response \d+,/;

export function errorDetails(err: unknown): LedgerErrorDetail[] {
  const details = (err as GatewayErrorShape | undefined)?.details;
  if (!Array.isArray(details)) return [];
  return details.map((d: Partial<Record<keyof LedgerErrorDetail, unknown>>) => ({
    address: typeof d.address === 'string' ? d.address : '',
    mspId: typeof d.mspId === 'string' ? d.mspId : '',
    message: typeof d.message === 'string' ? d.message : '',
  }));
}

/** The chaincode's own message, when a peer reports that the chaincode answered with an error status. */
export function chaincodeMessage(err: unknown): string | undefined {
  return chaincodeMessages(err)[0];
}

/** Every endorser's chaincode answer (from the details; else from the message itself). */
function chaincodeMessages(err: unknown): string[] {
  const fromDetails = errorDetails(err)
    .map((d) => d.message)
    .filter((m) => CHAINCODE_RESPONSE.test(m));
  if (fromDetails.length > 0) return fromDetails;
  const message = (err as GatewayErrorShape | undefined)?.message;
  return typeof message === 'string' && CHAINCODE_RESPONSE.test(message) ? [message] : [];
}

/** Codes under which a chaincode answer in the details does not make the error terminal. */
const NEVER_TERMINAL: ReadonlySet<number> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
]);

/**
 * A chaincode rejection is terminal only when it is one: the call itself did not fail for want of a peer or of
 * time, and every endorser that answered with a chaincode error gave the same coded message. An uncoded message
 * (shim `GET_STATE failed`, a crashed container) or endorsers that disagree are infrastructure, not a verdict.
 */
function isTerminalRejection(err: unknown): boolean {
  const code = grpcCode(err);
  if (code !== undefined && NEVER_TERMINAL.has(code)) return false;
  const answers = chaincodeMessages(err).map(parseChaincodeMessage);
  const first = answers[0];
  if (first === undefined || first.code === UNCODED_REJECTION) return false;
  return answers.every((a) => a.code === first.code && a.reason === first.reason);
}

export function grpcCode(err: unknown): number | undefined {
  const code = (err as GatewayErrorShape | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.CANCELLED,
]);

/** Classify an error thrown by evaluate / endorse / submit / getStatus. */
export function classify(err: unknown): ErrorKind {
  if (isTerminalRejection(err)) return 'rejected';
  const code = grpcCode(err);
  if (code === GrpcStatus.DEADLINE_EXCEEDED) return 'timeout';
  if (code !== undefined && TRANSIENT_CODES.has(code)) return 'unavailable';
  // The orderer answering SERVICE_UNAVAILABLE (leader election) reaches us as ABORTED from Submit.
  if ((err as Error | undefined)?.name === 'SubmitError' && code === GrpcStatus.ABORTED) return 'unavailable';
  // A chaincode error that is no verdict (uncoded, or endorsers disagree): retried, visible as stalled.
  if (chaincodeMessages(err).length > 0) return 'unavailable';
  return 'fatal';
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
