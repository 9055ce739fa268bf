import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../common/errors';
import { ApiKeysService } from './api-keys.service';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { PUBLIC_KEY, SCOPES_KEY, type Principal, type Scope } from './scopes';

export type AuthedRequest = FastifyRequest & { principal?: Principal };

/**
 * Authenticates the API key, refuses keys of another mall, then checks the route's scopes.
 * Failed authentications are counted per client address first: past the limit an address is
 * answered 429 before its key is looked up (a key known to the cache still passes).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  readonly #failures: AuthFailureLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly config: AppConfig,
  ) {
    this.#failures = new AuthFailureLimiter(config.throttleAuthFailureLimit, config.throttleAuthFailureTtlMs);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = await this.#authenticate(req);
    const needed = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, targets);
    // Fail closed: a route nobody decided a scope for is nobody's.
    if (needed === undefined || needed.length === 0) throw new ForbiddenError('route has no scope decision: refused');
    const missing = needed.filter((s) => !principal.scopes.includes(s));
    if (missing.length > 0) throw new ForbiddenError(`API key lacks scope ${missing.join(', ')}`);
    req.principal = principal;
    return true;
  }

  async #authenticate(req: AuthedRequest): Promise<Principal> {
    const presented = presentedKey(req);
    const cached = presented === undefined ? undefined : this.keys.cached(presented);
    if (cached === undefined) this.#refuseIfFlooding(req.ip);
    const principal = cached ?? (presented === undefined ? undefined : await this.keys.authenticate(presented));
    if (principal === undefined) {
      this.#failures.recordFailure(req.ip);
      throw new UnauthorizedError(
        presented === undefined
          ? 'missing API key: send X-Api-Key or Authorization: Bearer <key>'
          : 'unknown or revoked API key',
      );
    }
    if (principal.mallMspId !== this.config.mallMspId) {
      this.#failures.recordFailure(req.ip);
      throw new ForbiddenError(
        `API key belongs to ${principal.mallMspId}; this middleware serves ${this.config.mallMspId}`,
      );
    }
    return principal;
  }

  #refuseIfFlooding(address: string): void {
    const ms = this.#failures.blockedFor(address);
    if (ms > 0) {
      const seconds = Math.ceil(ms / 1000);
      // The wait is in Retry-After, not in the message: refusals are audited by message.
      throw new TooManyRequestsError('too many failed authentications from this address (see Retry-After)', seconds);
    }
  }
}

function presentedKey(req: FastifyRequest): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') === true) return auth.slice(7).trim() || undefined;
  return undefined;
}
