import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ForbiddenError, UnauthorizedError } from '../common/errors';
import { ApiKeysService } from './api-keys.service';
import { PUBLIC_KEY, SCOPES_KEY, type Principal, type Scope } from './scopes';

export type AuthedRequest = FastifyRequest & { principal?: Principal };

/** Authenticates the API key, refuses keys of another mall, then checks the route's scopes. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const presented = presentedKey(req);
    if (presented === undefined)
      throw new UnauthorizedError('missing API key: send X-Api-Key or Authorization: Bearer <key>');
    const principal = await this.keys.authenticate(presented);
    if (!principal) throw new UnauthorizedError('unknown or revoked API key');
    if (principal.mallMspId !== this.config.mallMspId) {
      throw new ForbiddenError(
        `API key belongs to ${principal.mallMspId}; this middleware serves ${this.config.mallMspId}`,
      );
    }
    const needed = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, targets);
    // Fail closed: a route nobody decided a scope for is nobody's.
    if (needed === undefined || needed.length === 0) throw new ForbiddenError('route has no scope decision: refused');
    const missing = needed.filter((s) => !principal.scopes.includes(s));
    if (missing.length > 0) throw new ForbiddenError(`API key lacks scope ${missing.join(', ')}`);
    req.principal = principal;
    return true;
  }
}

function presentedKey(req: FastifyRequest): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') === true) return auth.slice(7).trim() || undefined;
  return undefined;
}
