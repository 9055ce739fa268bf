import { status as GrpcStatus } from '@grpc/grpc-js';
import type { LedgerErrorDetail } from './ledger.port';

/** What the retry policy should do about an error from the gateway. */
export type ErrorKind =
  /** the chaincode refused: never retry */
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
  const fromDetail = errorDetails(err).find((d) => CHAINCODE_RESPONSE.test(d.message));
  if (fromDetail) return fromDetail.message;
  const message = (err as GatewayErrorShape | undefined)?.message;
  return typeof message === 'string' && CHAINCODE_RESPONSE.test(message) ? message : undefined;
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
  if (chaincodeMessage(err) !== undefined) return 'rejected';
  const code = grpcCode(err);
  if (code === GrpcStatus.DEADLINE_EXCEEDED) return 'timeout';
  if (code !== undefined && TRANSIENT_CODES.has(code)) return 'unavailable';
  // The orderer answering SERVICE_UNAVAILABLE (leader election) reaches us as ABORTED from Submit.
  if ((err as Error | undefined)?.name === 'SubmitError' && code === GrpcStatus.ABORTED) return 'unavailable';
  return 'fatal';
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
