import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TIMESTAMP_WINDOW_MS } from './signed-request';

const CLAIM_SQL = `INSERT INTO partner_nonces (app_id, nonce, request_at) VALUES ($1, $2, $3)
  ON CONFLICT (app_id, nonce) DO NOTHING RETURNING 1 AS claimed`;
const PURGE_SQL = `DELETE FROM partner_nonces WHERE request_at < $1`;
const PURGE_EVERY_MS = 60_000;

/**
 * Nonces of signed partner requests, in Postgres (shared by every middleware process of the mall). The
 * primary key makes a claim atomic: of two concurrent requests with the same nonce exactly one inserts.
 */
@Injectable()
export class NonceStore {
  #lastPurge = 0;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Records (appId, nonce) as used. Call only after the signature and the timestamp were checked.
   * @returns false when the nonce was already used (a replay)
   */
  async claim(appId: string, nonce: string, timestampMs: number): Promise<boolean> {
    await this.#purgeNowAndThen();
    const rows = await this.ds.query<{ claimed: number }[]>(CLAIM_SQL, [appId, nonce, new Date(timestampMs)]);
    return rows.length === 1;
  }

  /** Deletes nonces whose request time is outside the window by a margin; returns how many. */
  async purge(nowMs = Date.now()): Promise<number> {
    const res = await this.ds.query<[unknown[], number]>(PURGE_SQL, [new Date(nowMs - 2 * TIMESTAMP_WINDOW_MS)]);
    return res[1];
  }

  async #purgeNowAndThen(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastPurge < PURGE_EVERY_MS) return;
    this.#lastPurge = now;
    await this.purge(now);
  }
}
