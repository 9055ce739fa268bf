import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface KnownItem {
  readonly trackingId: string;
  readonly contentHash: string;
  readonly status: 'pending' | 'committed' | 'dead';
  readonly errorCode: string | null;
  readonly lastError: string | null;
}

/** Reads of the intake items of Haide redemptions and adjustments (their natural keys are the POS's numbers). */
@Injectable()
export class SpendStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async find(kind: string, naturalKey: string): Promise<KnownItem | undefined> {
    const rows = await this.ds.query<
      {
        tracking_id: string;
        content_hash: string;
        status: KnownItem['status'];
        error_code: string | null;
        last_error: string | null;
      }[]
    >(
      `SELECT tracking_id, content_hash, status, error_code, last_error FROM intake_items WHERE kind = $1 AND natural_key = $2`,
      [kind, naturalKey],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      trackingId: r.tracking_id,
      contentHash: r.content_hash,
      status: r.status,
      errorCode: r.error_code,
      lastError: r.last_error,
    };
  }
}
