import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DidRecord, VersionSelector } from '../ledger/domain/did.ledger';

/** SQL over the projected DID cache (`did_documents`, `did_versions`). */
@Injectable()
export class DidCacheStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The version the selector names, as the ledger stored it; undefined when the cache has none. */
  async pick(did: string, selector: VersionSelector): Promise<DidRecord | undefined> {
    let rows: { record: DidRecord }[];
    if ('versionId' in selector) {
      rows = await this.ds.query(`SELECT record FROM did_versions WHERE did = $1 AND version_id = $2`, [
        did,
        Number(selector.versionId),
      ]);
    } else if ('versionTime' in selector) {
      // Version times increase strictly per DID (chaincode TIME_BACKWARDS), so the latest at or before is the one.
      rows = await this.ds.query(
        `SELECT record FROM did_versions WHERE did = $1 AND updated <= $2 ORDER BY version_id DESC LIMIT 1`,
        [did, new Date(selector.versionTime)],
      );
    } else {
      rows = await this.ds.query(`SELECT record FROM did_documents WHERE did = $1`, [did]);
    }
    return rows[0]?.record;
  }

  async version(did: string, versionId: number): Promise<DidRecord | undefined> {
    const rows: { record: DidRecord }[] = await this.ds.query(
      `SELECT record FROM did_versions WHERE did = $1 AND version_id = $2`,
      [did, versionId],
    );
    return rows[0]?.record;
  }

  /** Every version of a DID, oldest first (at most `limit`). */
  async history(did: string, limit = 1000): Promise<DidRecord[]> {
    const rows: { record: DidRecord }[] = await this.ds.query(
      `SELECT record FROM did_versions WHERE did = $1 ORDER BY version_id LIMIT $2`,
      [did, limit],
    );
    return rows.map((r) => r.record);
  }
}
