import { SetMetadata, type CustomDecorator } from '@nestjs/common';

/**
 * One scope per caller role (docs/middleware.md has the route × scope matrix). A route needs every
 * scope it lists; no scope implies another, so a key carries exactly what its caller needs.
 */
export const SCOPES = [
  'pos:write',
  'traffic:write',
  'points:read',
  'points:write',
  'devices:write',
  'dids:write',
  'dids:read',
  'intake:read',
  'webhooks',
  'keys:admin',
  'ops:admin',
  'consortium:admin',
  'notes:write',
  'notes:read',
  'stats:read',
] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What the retired `admin` scope became (migration 1795320000000-SplitAdminScope): everything an
 * operator's key could do before, named. New keys name what they need instead.
 */
export const FORMER_ADMIN_SCOPES: readonly Scope[] = [
  'keys:admin',
  'ops:admin',
  'consortium:admin',
  'webhooks',
  'notes:write',
  'notes:read',
  'intake:read',
];

export const SCOPES_KEY = 'mallchain:scopes';
export const PUBLIC_KEY = 'mallchain:public';

/** Every listed scope is required. A route with neither this nor {@link Public} is refused to every key. */
export const RequireScopes = (...scopes: [Scope, ...Scope[]]): CustomDecorator => SetMetadata(SCOPES_KEY, scopes);

/** No API key needed (health, metrics, API documentation). */
export const Public = (): CustomDecorator => SetMetadata(PUBLIC_KEY, true);

/** What the auth guard attaches to an authenticated request. */
export interface Principal {
  readonly keyId: string;
  readonly mallMspId: string;
  readonly scopes: readonly Scope[];
}

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}
