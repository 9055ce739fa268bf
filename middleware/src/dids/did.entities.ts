import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Cache of the current record of each DID (`did` entities of the dids contract's events). */
@Entity('did_documents')
export class DidDocumentEntity {
  @PrimaryColumn({ type: 'text' })
  did!: string;

  @Column({ type: 'text' })
  role!: string;

  @Column({ name: 'owner_msp', type: 'text', nullable: true })
  ownerMsp!: string | null;

  @Column({ name: 'version_id', type: 'integer' })
  versionId!: number;

  @Column({ type: 'boolean' })
  deactivated!: boolean;

  /** The whole ledger record (document, times, anchoring organisation). */
  @Column({ type: 'jsonb' })
  record!: object;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

/** Cache of every version of every DID (`didVersion` entities), for `versionId` / `versionTime` resolution. */
@Entity('did_versions')
@Index('did_versions_time', ['did', 'updated'])
export class DidVersionEntity {
  @PrimaryColumn({ type: 'text' })
  did!: string;

  @PrimaryColumn({ name: 'version_id', type: 'integer' })
  versionId!: number;

  /** When this version took effect (the transaction time): `versionTime` picks the last one at or before. */
  @Column({ type: 'timestamptz' })
  updated!: Date;

  @Column({ type: 'jsonb' })
  record!: object;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}
