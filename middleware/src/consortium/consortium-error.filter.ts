import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthedRequest } from '../auth/api-key.guard';
import { TooManyRequestsError } from '../common/errors';
import { consortiumErrorBody } from './admin-errors';
import { AuditScope, AuditService } from './audit.service';

/** Audit operation per route, for requests refused before the service ran (auth, scope, validation). */
const ROUTE_OPERATIONS: Readonly<Record<string, string>> = {
  'GET /v1/admin/consortium/channels': 'channel.list',
  'GET /v1/admin/consortium/channels/:name': 'channel.show',
  'POST /v1/admin/consortium/channels': 'channel.create',
  'GET /v1/admin/consortium/orgs': 'org.list',
  'GET /v1/admin/consortium/proposals': 'proposal.list',
  'POST /v1/admin/consortium/proposals': 'proposal.create',
  'POST /v1/admin/consortium/proposals/import': 'proposal.import',
  'GET /v1/admin/consortium/proposals/:id': 'proposal.status',
  'GET /v1/admin/consortium/proposals/:id/file': 'proposal.export',
  'POST /v1/admin/consortium/proposals/:id/sign': 'proposal.sign',
  'POST /v1/admin/consortium/proposals/:id/submit': 'proposal.submit',
  'GET /v1/admin/consortium/chaincode': 'chaincode.status',
  'POST /v1/admin/consortium/chaincode/upgrade': 'chaincode.upgrade',
  'PUT /v1/admin/consortium/chaincode/endorsement-policy': 'chaincode.endorsement-policy',
  'POST /v1/admin/consortium/identities': 'identity.issue',
  'GET /v1/admin/consortium/operations/:id': 'operation.show',
  'GET /v1/admin/consortium/audit': 'audit.list',
};

/**
 * Maps AdminError codes to HTTP (with `details.missing` / `details.signer`) and makes sure a
 * refused request has its audit row even when it never reached the service: a missing or
 * wrong key, a missing scope, a body that fails validation.
 */
@Catch()
export class ConsortiumErrorFilter implements ExceptionFilter {
  readonly #logger = new Logger('ConsortiumErrorFilter');

  constructor(private readonly audit: AuditService) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<AuthedRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = consortiumErrorBody(exception);
    if (!this.audit.isAudited(exception)) {
      try {
        await this.#record(req, exception);
      } catch (e) {
        // The refusal still reaches the caller; the lost audit row is logged loudly.
        this.#logger.error(e, 'could not write the audit record of a refused request');
      }
    }
    if (body.statusCode >= 500) this.#logger.error(exception);
    if (exception instanceof TooManyRequestsError) void reply.header('retry-after', exception.retryAfterSeconds);
    void reply.status(body.statusCode).send(body);
  }

  async #record(req: AuthedRequest, exception: unknown): Promise<void> {
    const route = `${req.method} ${req.routeOptions.url ?? req.url}`;
    const operation = ROUTE_OPERATIONS[route] ?? route;
    const target = { ...(req.params as Record<string, unknown> | undefined) };
    const scope = new AuditScope(await this.audit.actorOf(req.principal), operation, target);
    await this.audit.refusedEarly(scope, req.ip, exception);
  }
}
