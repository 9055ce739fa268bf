import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HttpErrorFilter } from '../common/http-error.filter';

/** Every Huina answer: `statusCode` is `"0"` on success, else the stable error code; the HTTP status tells too. */
export interface HuinaEnvelope<T> {
  readonly success: boolean;
  readonly statusCode: string;
  readonly message: string;
  readonly data: T | null;
}

export function ok<T>(data: T, message = 'OK'): HuinaEnvelope<T> {
  return { success: true, statusCode: '0', message, data };
}

/** An error that carries a Huina `data` payload (per-record results of a refused push). */
export class HuinaRefusal<T> extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly data: T,
  ) {
    super(message);
  }
}

/** The application's error mapping (status, code, message), in the Huina envelope. */
@Catch()
export class HuinaErrorFilter implements ExceptionFilter {
  readonly #base = new HttpErrorFilter();
  readonly #logger = new Logger('HuinaErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HuinaRefusal) {
      const e = exception as HuinaRefusal<unknown>;
      void reply.status(e.status).send({ success: false, statusCode: e.code, message: e.message, data: e.data });
      return;
    }
    const body = this.#base.toBody(exception);
    if (body.statusCode >= 500) this.#logger.error(exception);
    void reply
      .status(body.statusCode)
      .send({ success: false, statusCode: body.error, message: body.message, data: null });
  }
}
