import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A membership credential this mall issued (the JWT itself is the holder's; only its status is kept here). */
@Entity('membership_credentials')
@Index('membership_credentials_index', ['listId', 'statusIndex'], { unique: true })
export class MembershipCredentialEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ name: 'subject_did', type: 'text' })
  subjectDid!: string;

  @Column({ name: 'list_id', type: 'text' })
  listId!: string;

  @Column({ name: 'status_index', type: 'integer' })
  statusIndex!: number;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}

/** The issuer's status list: the last version handed to the ledger (anchoring is serialised on this row). */
@Entity('credential_status_lists')
export class CredentialStatusListEntity {
  @PrimaryColumn({ name: 'list_id', type: 'text' })
  listId!: string;

  @Column({ name: 'issuer_did', type: 'text' })
  issuerDid!: string;

  @Column({ type: 'integer' })
  version!: number;
}
