import { SetMetadata, type CustomDecorator } from '@nestjs/common';

export const SCOPES = ['points:read', 'points:write', 'devices:write', 'dids:write', 'keys:admin', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPES_KEY = 'mallchain:scopes';
export const PUBLIC_KEY = 'mallchain:public';

/** Every listed scope is required (admin does not imply the others: keys get exactly what they need). */
export const RequireScopes = (...scopes: Scope[]): CustomDecorator => SetMetadata(SCOPES_KEY, scopes);

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
