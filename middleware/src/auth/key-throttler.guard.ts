import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthedRequest } from './api-key.guard';

/** Rate limit per API key (per client address for unauthenticated routes). */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as AuthedRequest;
    return Promise.resolve(r.principal ? `key:${r.principal.keyId}` : `ip:${r.ip}`);
  }
}
