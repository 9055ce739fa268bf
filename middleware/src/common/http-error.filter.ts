import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ERROR_CODES, isErrorCode } from '@mallchain/error-codes';
import type { FastifyReply } from 'fastify';
import { ChaincodeRejectedError, LedgerError } from '../ledger/ledger.port';
import { AppError, TooManyRequestsError } from './errors';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** Health check results (terminus) are passed on so that the caller sees which check failed. */
  details?: Record<string, unknown>;
}

/**
 * HTTP status of a chaincode refusal: the one the chaincode's registry declares for its code
 * (chaincode/src/common/codes.ts, through the @mallchain/error-codes workspace package). A code
 * the registry does not know (an uncoded shim or peer answer, or a chaincode newer than this
 * middleware) is 502: the ledger answered, but with nothing this middleware can vouch for.
 */
export function chaincodeHttpStatus(code: string): number {
  return isErrorCode(code) ? ERROR_CODES[code].http : 502;
}

/** Maps every error to `{ statusCode, error, message }`; unknown errors become a 500 without internals. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  readonly #logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) this.#logger.error(exception);
    if (exception instanceof TooManyRequestsError) void reply.header('retry-after', exception.retryAfterSeconds);
    void reply.status(body.statusCode).send(body);
  }

  toBody(e: unknown): ErrorBody {
    if (e instanceof AppError) return { statusCode: e.status, error: e.code, message: e.message };
    if (e instanceof HttpException) return fromHttpException(e);
    if (e instanceof ChaincodeRejectedError) {
      return { statusCode: chaincodeHttpStatus(e.code), error: e.code, message: e.message };
    }
    if (e instanceof LedgerError) return { statusCode: 503, error: 'LEDGER_UNAVAILABLE', message: e.message };
    return fromFrameworkError(e);
  }
}

function fromHttpException(e: HttpException): ErrorBody {
  const res = e.getResponse();
  const status = e.getStatus();
  if (typeof res === 'string') return { statusCode: status, error: e.name, message: res };
  const r = res as { message?: unknown; error?: unknown; details?: Record<string, unknown> };
  if (r.details !== undefined) {
    const down = Object.entries(r.details).filter(([, v]) => (v as { status?: string }).status !== 'up');
    return {
      statusCode: status,
      error: 'UNHEALTHY',
      message: `down: ${down.map(([k]) => k).join(', ')}`,
      details: r.details,
    };
  }
  const message = Array.isArray(r.message)
    ? r.message.join('; ')
    : typeof r.message === 'string'
      ? r.message
      : e.message;
  return { statusCode: status, error: typeof r.error === 'string' ? r.error : e.name, message };
}

/** Fastify's own errors (body too large, invalid JSON, wrong content type) carry their status. */
function fromFrameworkError(e: unknown): ErrorBody {
  const err = e as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return {
      statusCode: err.statusCode,
      error: typeof err.code === 'string' ? err.code : 'BAD_REQUEST',
      message: typeof err.message === 'string' ? err.message : 'bad request',
    };
  }
  return { statusCode: 500, error: 'INTERNAL', message: 'internal error' };
}
