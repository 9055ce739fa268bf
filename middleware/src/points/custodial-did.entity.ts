import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A member DID this mall created for a member without a wallet, with its controller key sealed (AES-256-GCM under
 * `MEMBER_DATA_KEY`, bound to the DID). After the member claims it the key is erased (`key_sealed` NULL,
 * status `claimed`): the mall can no longer sign for the member, and the ledger no longer lists that key.
 */
@Entity('custodial_dids')
export class CustodialDidEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_custodial_dids' })
  did!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: Record<string, string>;

  @Column({ name: 'key_sealed', type: 'bytea', nullable: true })
  keySealed!: Buffer | null;

  /** `held` (the mall holds the controller key) or `claimed` (the member's wallet does; the key is gone). */
  @Column({ type: 'text', default: 'held' })
  status!: 'held' | 'claimed';

  @Column({ name: 'create_tracking_id', type: 'uuid' })
  createTrackingId!: string;

  /** JCS hash of the accepted claim: the same claim again is a duplicate, another one a conflict. */
  @Column({ name: 'claim_hash', type: 'char', length: 64, nullable: true })
  claimHash!: string | null;

  @Column({ name: 'claim_tracking_id', type: 'uuid', nullable: true })
  claimTrackingId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;
}
