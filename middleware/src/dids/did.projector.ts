import type { QueryRunner } from 'typeorm';
import type { DidRecord } from '../ledger/domain/did.ledger';
import type { ChangeMeta, EntityProjector, LedgerChange } from '../projection/projection.types';

/** `did` entities (the current record of a DID) into `did_documents`. */
export const didProjector: EntityProjector = {
  entity: 'did',
  tables: ['did_documents'],
  async put(qr: QueryRunner, change: LedgerChange, meta: ChangeMeta): Promise<void> {
    const d = change.data as DidRecord;
    await qr.query(
      `INSERT INTO ${meta.schema}.did_documents (did, role, owner_msp, version_id, deactivated, record, tx_id, block_number)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (did) DO UPDATE SET role = excluded.role, owner_msp = excluded.owner_msp,
         version_id = excluded.version_id, deactivated = excluded.deactivated, record = excluded.record,
         tx_id = excluded.tx_id, block_number = excluded.block_number`,
      [d.did, d.role, d.ownerMsp ?? null, d.versionId, d.deactivated, d, meta.txId, meta.blockNumber.toString()],
    );
  },
  async remove(): Promise<void> {
    // The dids contract never deletes a DID (deactivation is a new version).
  },
};

/** `didVersion` entities (every version, kept for ever) into `did_versions`. */
export const didVersionProjector: EntityProjector = {
  entity: 'didVersion',
  tables: ['did_versions'],
  async put(qr: QueryRunner, change: LedgerChange, meta: ChangeMeta): Promise<void> {
    const d = change.data as DidRecord;
    await qr.query(
      `INSERT INTO ${meta.schema}.did_versions (did, version_id, updated, record, tx_id, block_number)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (did, version_id) DO UPDATE SET updated = excluded.updated, record = excluded.record,
         tx_id = excluded.tx_id, block_number = excluded.block_number`,
      [d.did, d.versionId, d.updated, d, meta.txId, meta.blockNumber.toString()],
    );
  },
  async remove(): Promise<void> {
    // Versions are never deleted.
  },
};
