import type { QueryRunner } from 'typeorm';
import type { ChangeMeta, EntityProjector, LedgerChange } from '../projection/projection.types';

interface DeviceData {
  did: string;
  ownerMsp: string;
  type: string;
  status: string;
}

interface AttestationData {
  statement: { deviceDid: string; seq: number; periodStart: string; periodEnd: string; kind: string; digest: string };
}

/** `device` entities into `devices`. */
export const deviceProjector: EntityProjector = {
  entity: 'device',
  tables: ['devices'],
  async put(qr: QueryRunner, change: LedgerChange, meta: ChangeMeta): Promise<void> {
    const d = change.data as DeviceData;
    await qr.query(
      `INSERT INTO ${meta.schema}.devices (did, owner_msp, type, status, record, tx_id, block_number)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (did) DO UPDATE SET owner_msp = excluded.owner_msp, type = excluded.type, status = excluded.status,
         record = excluded.record, tx_id = excluded.tx_id, block_number = excluded.block_number`,
      [d.did, d.ownerMsp, d.type, d.status, d, meta.txId, meta.blockNumber.toString()],
    );
  },
  async remove(qr: QueryRunner, change: LedgerChange, meta: ChangeMeta): Promise<void> {
    await qr.query(`DELETE FROM ${meta.schema}.devices WHERE did = $1`, [change.id.replace(/^dev\//, '')]);
  },
};

/** `attestation` entities into `device_attestations`. */
export const attestationProjector: EntityProjector = {
  entity: 'attestation',
  tables: ['device_attestations'],
  async put(qr: QueryRunner, change: LedgerChange, meta: ChangeMeta): Promise<void> {
    const a = change.data as AttestationData;
    const s = a.statement;
    await qr.query(
      `INSERT INTO ${meta.schema}.device_attestations
         (device_did, seq, period_start, period_end, kind, digest, record, tx_id, block_number)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (device_did, seq) DO UPDATE SET period_start = excluded.period_start,
         period_end = excluded.period_end, kind = excluded.kind, digest = excluded.digest, record = excluded.record,
         tx_id = excluded.tx_id, block_number = excluded.block_number`,
      [s.deviceDid, s.seq, s.periodStart, s.periodEnd, s.kind, s.digest, a, meta.txId, meta.blockNumber.toString()],
    );
  },
  async remove(): Promise<void> {
    // Attestations are never deleted by the chaincode.
  },
};
