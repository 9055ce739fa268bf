import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HttpErrorFilter } from '../../common/http-error.filter';

/** The body of every `/haide/v1` answer, as Haide clients expect it. */
export interface HaideAnswer<T> {
  readonly success: boolean;
  /** `"0"` when the request succeeded, else the HTTP status as text (`"401"`, `"409"`, …). */
  readonly statusCode: string;
  readonly message: string;
  readonly data: T | null;
}

export function ok<T>(data: T, message = 'ok'): HaideAnswer<T> {
  return { success: true, statusCode: '0', message, data };
}

export function failed<T>(status: number, message: string, data: T | null = null): HaideAnswer<T> {
  return { success: false, statusCode: String(status), message, data };
}

/** Error answers of the Haide routes: the HTTP status of the common filter, the Haide body. */
@Catch()
export class HaideErrorFilter implements ExceptionFilter {
  readonly #common = new HttpErrorFilter();
  readonly #logger = new Logger('HaideErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.#common.toBody(exception);
    if (body.statusCode >= 500) this.#logger.error(exception);
    void reply.status(body.statusCode).send(failed(body.statusCode, `${body.error}: ${body.message}`));
  }
}
