import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthedRequest } from './api-key.guard';
import type { Principal } from './scopes';
import { UnauthorizedError } from '../common/errors';

/** The authenticated API key of the request (set by the global ApiKeyGuard). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (principal === undefined) throw new UnauthorizedError('missing API key');
  return principal;
});
