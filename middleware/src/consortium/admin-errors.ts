/** How consortium errors become HTTP answers and audit results; one place for both. */
import { AdminError, type AdminErrorCode, NetworkError } from '@mallchain/fabric-network';
import { type ErrorBody, HttpErrorFilter } from '../common/http-error.filter';
import type { AuditResult } from './audit-log.entity';

export const ADMIN_ERROR_STATUS: Readonly<Record<AdminErrorCode, number>> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  // 409 rather than 422: the request is well-formed, the proposal's state does not allow it yet.
  SIGNATURES_MISSING: 409,
  NOT_ADMIN: 403,
  STALE_PROPOSAL: 409,
  NOT_READY: 503,
};

const common = new HttpErrorFilter();

/** The HTTP answer for any error thrown while serving a consortium request. */
export function consortiumErrorBody(e: unknown): ErrorBody {
  if (e instanceof AdminError) {
    const { missing, signer, hint } = e.details;
    const details: Record<string, unknown> = {};
    if (missing !== undefined) details.missing = missing;
    if (signer !== undefined) details.signer = signer;
    if (hint !== undefined) details.hint = hint;
    return { statusCode: ADMIN_ERROR_STATUS[e.code], error: e.code, message: e.message, details };
  }
  // A Fabric command failed (orderer down, peer refused): the network's fault, not the caller's.
  if (e instanceof NetworkError) {
    const hint = e.details.hint;
    return {
      statusCode: 502,
      error: 'FABRIC_COMMAND_FAILED',
      message: e.message,
      ...(hint === undefined ? {} : { details: { hint } }),
    };
  }
  return common.toBody(e);
}

/** refused: the request was wrong or not allowed (4xx); failed: something broke (5xx). */
export function auditResultOf(body: ErrorBody): AuditResult {
  return body.statusCode < 500 ? 'refused' : 'failed';
}

/** What the audit log keeps about an error: code, message and the machine-readable details. */
export function auditErrorOf(body: ErrorBody): Record<string, unknown> {
  return {
    code: body.error,
    message: body.message,
    status: body.statusCode,
    ...(body.details === undefined ? {} : { details: body.details }),
  };
}
