import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ProjectedRecordColumns } from '../projection/projected-record.entity';

/**
 * Cache of the current record of each DID (`did` entities of the dids contract's events); `record` holds the
 * document, times, anchoring organisation.
 */
@Entity('did_documents')
export class DidDocumentEntity extends ProjectedRecordColumns {
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
}

/** Cache of every version of every DID (`didVersion` entities), for `versionId` / `versionTime` resolution. */
@Entity('did_versions')
@Index('did_versions_time', ['did', 'updated'])
export class DidVersionEntity extends ProjectedRecordColumns {
  @PrimaryColumn({ type: 'text' })
  did!: string;

  @PrimaryColumn({ name: 'version_id', type: 'integer' })
  versionId!: number;

  /** When this version took effect (the transaction time): `versionTime` picks the last one at or before. */
  @Column({ type: 'timestamptz' })
  updated!: Date;
}
