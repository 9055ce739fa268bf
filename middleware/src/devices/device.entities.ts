import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Cache of `device` entities (projected from the devices contract's events). */
@Entity('devices')
export class DeviceEntity {
  @PrimaryColumn({ type: 'text' })
  did!: string;

  @Column({ name: 'owner_msp', type: 'text' })
  ownerMsp!: string;

  @Column({ type: 'text' })
  type!: string;

  @Index('devices_status')
  @Column({ type: 'text' })
  status!: string;

  /** The whole ledger record (keys, location, firmware digest, compromise times). */
  @Column({ type: 'jsonb' })
  record!: object;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}

/** Cache of `attestation` entities: one per device statement. */
@Entity('device_attestations')
@Index('device_attestations_period', ['deviceDid', 'periodStart'])
export class DeviceAttestationEntity {
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

  @Column({ type: 'jsonb' })
  record!: object;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}
