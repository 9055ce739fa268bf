import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The site tree from `parentSiteKey` (group › mall › zone › floor › store › entrance). */
@Entity('huina_sites')
export class HuinaSiteEntity {
  @PrimaryColumn({ name: 'site_key', type: 'text' })
  siteKey!: string;

  @Column({ name: 'site_name', type: 'text' })
  siteName!: string;

  @Column({ name: 'site_type', type: 'integer' })
  siteType!: number;

  @Index('huina_sites_parent')
  @Column({ name: 'parent_site_key', type: 'text', nullable: true })
  parentSiteKey!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** One counting bucket at its newest revision; keyed (site, start, length in minutes). Not a ledger item. */
@Entity('huina_traffic_buckets')
export class TrafficBucketEntity {
  @PrimaryColumn({ name: 'site_key', type: 'text' })
  siteKey!: string;

  @PrimaryColumn({ name: 'data_time', type: 'timestamptz' })
  dataTime!: Date;

  @PrimaryColumn({ name: 'interval_min', type: 'integer' })
  intervalMin!: number;

  /** The interval as the newest revision gave it (`60` and `H` are the same bucket). */
  @Column({ type: 'text' })
  interval!: string;

  @Column({ name: 'in_num', type: 'integer' })
  inNum!: number;

  @Column({ name: 'out_num', type: 'integer' })
  outNum!: number;

  @Column({ name: 'through_num', type: 'integer', nullable: true })
  throughNum!: number | null;

  @Column({ name: 'modify_time', type: 'timestamptz' })
  modifyTime!: Date;

  @Column({ name: 'device_host', type: 'text', nullable: true })
  deviceHost!: string | null;

  @Column({ type: 'text', nullable: true })
  channel!: string | null;

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  /** The device-proven report this revision came in, and its place in that report's records. */
  @Index('huina_traffic_buckets_report')
  @Column({ name: 'report_id', type: 'uuid', nullable: true })
  reportId!: string | null;

  @Column({ name: 'report_position', type: 'integer', nullable: true })
  reportPosition!: number | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** A push that carried a `deviceProof`: the statement relayed to the ledger as a device attestation. */
@Entity('huina_traffic_reports')
@Index('huina_traffic_reports_device_seq', ['deviceDid', 'seq'], { unique: true, where: '"superseded_at" IS NULL' })
export class TrafficReportEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'device_did', type: 'text' })
  deviceDid!: string;

  @Column({ type: 'bigint' })
  seq!: string;

  /** base64url SHA-256 of JCS(records), as in the deviceProof. */
  @Column({ type: 'text' })
  digest!: string;

  @Column({ type: 'jsonb' })
  statement!: object;

  @Column({ type: 'text' })
  kid!: string;

  /** The intake item that carries the attestation (its tx ID and block once committed). */
  @Column({ name: 'tracking_id', type: 'uuid' })
  trackingId!: string;

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /**
   * Set when the ledger refused this report's attestation for its proof and a new proof took the seq: the report
   * stays (what was received), no longer the seq's report (`superseded_by` is the one that is).
   */
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt!: Date | null;

  @Column({ name: 'superseded_by', type: 'uuid', nullable: true })
  supersededBy!: string | null;
}

/** Every record of a proven report as received (stale ones too): what the anchored digest covers. */
@Entity('huina_traffic_report_records')
export class TrafficReportRecordEntity {
  @PrimaryColumn({ name: 'report_id', type: 'uuid' })
  reportId!: string;

  @PrimaryColumn({ type: 'integer' })
  position!: number;

  @Column({ type: 'jsonb' })
  record!: object;
}
