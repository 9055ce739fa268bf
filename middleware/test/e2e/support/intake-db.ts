import { Client } from 'pg';
import { hashKey } from '../../../src/auth/api-keys.service';

/** Scopes a fault test's POS key needs: push notes and read their intake status. */
export const FEED_SCOPES = ['notes:write', 'intake:read'];

export interface ItemRow {
  readonly tracking_id: string;
  readonly natural_key: string;
  readonly status: string;
  readonly tx_id: string | null;
  readonly error_code: string | null;
}

/** Direct reads of a middleware database, for what a fault test must prove about the intake. */
export class IntakeDb {
  readonly #pg: Client;

  private constructor(pg: Client) {
    this.#pg = pg;
  }

  static async open(url: string): Promise<IntakeDb> {
    const pg = new Client({ connectionString: url });
    await pg.connect();
    return new IntakeDb(pg);
  }

  async close(): Promise<void> {
    await this.#pg.end();
  }

  /** An API key of `mall` with `scopes`, stored as the middleware stores keys (hash only). */
  async insertKey(mall: string, key: string, scopes: readonly string[] = FEED_SCOPES): Promise<void> {
    await this.#pg.query(
      `INSERT INTO api_keys (mall_msp_id, name, key_prefix, key_hash, scopes) VALUES ($1, 'fault-e2e', 'x', $2, $3)`,
      [mall, hashKey(key), scopes],
    );
  }

  async statusCounts(): Promise<Record<string, number>> {
    const r = await this.#pg.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM intake_items GROUP BY status',
    );
    return Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
  }

  async items(): Promise<ItemRow[]> {
    const r = await this.#pg.query<ItemRow>(
      'SELECT tracking_id, natural_key, status, tx_id, error_code FROM intake_items ORDER BY created_at',
    );
    return r.rows;
  }

  /** Terminal events per tracking ID and type, as appended to the event log that webhooks deliver. */
  async terminalEvents(): Promise<{ trackingId: string; type: string; n: number }[]> {
    const r = await this.#pg.query<{ tracking_id: string; type: string; n: number }>(
      `SELECT data->>'trackingId' AS tracking_id, type, count(*)::int AS n FROM events
       WHERE type IN ('intake.committed', 'intake.dead') GROUP BY 1, 2`,
    );
    return r.rows.map((x) => ({ trackingId: x.tracking_id, type: x.type, n: x.n }));
  }
}
