import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ProjectedRecordColumns } from '../projection/projected-record.entity';

/**
 * Cache of `device` entities (projected from the devices contract's events); `record` holds keys, location, firmware
 * digest, compromise times.
 */
@Entity('devices')
export class DeviceEntity extends ProjectedRecordColumns {
  @PrimaryColumn({ type: 'text' })
  did!: string;

  @Column({ name: 'owner_msp', type: 'text' })
  ownerMsp!: string;

  @Column({ type: 'text' })
  type!: string;

  @Index('devices_status')
  @Column({ type: 'text' })
  status!: string;
}

/** Cache of `attestation` entities: one per device statement. */
@Entity('device_attestations')
@Index('device_attestations_period', ['deviceDid', 'periodStart'])
export class DeviceAttestationEntity extends ProjectedRecordColumns {
  @PrimaryColumn({ name: 'device_did', type: 'text' })
  deviceDid!: string;

  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ name: 'period_start', type: 'timestamptz' })
  periodStart!: Date;

  @Column({ name: 'period_end', type: 'timestamptz' })
  periodEnd!: Date;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  digest!: string;
}
