import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A member of this mall's program: personal data sealed (AES-256-GCM under `MEMBER_DATA_KEY`), found by blind
 * indexes (keyed HMAC), mapped to the DID that is all the ledger knows of them.
 */
@Entity('members')
export class MemberEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('members_did', { unique: true })
  @Column({ type: 'text' })
  did!: string;

  @Column({ name: 'name_sealed', type: 'bytea', nullable: true })
  nameSealed!: Buffer | null;

  @Column({ name: 'mobile_sealed', type: 'bytea', nullable: true })
  mobileSealed!: Buffer | null;

  @Index('members_mobile_index', { unique: true })
  @Column({ name: 'mobile_index', type: 'char', length: 64, nullable: true })
  mobileIndex!: string | null;

  @Column({ name: 'level_name', type: 'text', nullable: true })
  levelName!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A card number of a member, sealed, found by its blind index. */
@Entity('member_cards')
export class MemberCardEntity {
  @PrimaryColumn({ name: 'card_index', type: 'char', length: 64 })
  cardIndex!: string;

  @Column({ name: 'card_sealed', type: 'bytea' })
  cardSealed!: Buffer;

  @Index('member_cards_member')
  @Column({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @Column({ type: 'text', default: 'active' })
  status!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
