import { Injectable } from '@nestjs/common';
import { TIMESTAMP_SKEW_MS } from './huina-signature';
import type { PartnerCredential, PartnerCredentials, PartnerNonces } from './partner-credentials.port';

/**
 * Stand-ins for the partner-credentials feature, bound until the real (encrypted, Postgres-backed) one replaces
 * them: no credential is known unless a test adds one, so every signed request is refused by default.
 */
@Injectable()
export class MemoryPartnerCredentials implements PartnerCredentials {
  readonly #byAppId = new Map<string, PartnerCredential>();

  add(credential: PartnerCredential): void {
    this.#byAppId.set(credential.appId, credential);
  }

  resolve(appId: string): Promise<PartnerCredential | undefined> {
    return Promise.resolve(this.#byAppId.get(appId));
  }
}

/** Nonces of one process, forgotten once their timestamp is outside the accepted window (replays of those fail the clock check). */
@Injectable()
export class MemoryPartnerNonces implements PartnerNonces {
  readonly #seen = new Map<string, number>();

  claim(appId: string, nonce: string, timestampMs: number): Promise<boolean> {
    const now = Date.now();
    for (const [k, ts] of this.#seen) if (ts < now - 2 * TIMESTAMP_SKEW_MS) this.#seen.delete(k);
    const key = `${appId}\u0000${nonce}`;
    if (this.#seen.has(key)) return Promise.resolve(false);
    this.#seen.set(key, timestampMs);
    return Promise.resolve(true);
  }
}
