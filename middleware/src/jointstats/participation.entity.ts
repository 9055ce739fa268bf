import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RoundProposal } from '../ledger/domain/jointstats.ledger';

/** This mall's part in a joint-statistics round (SQL in `PgParticipationStore`). Secrets are sealed (SecretBox). */
@Entity('jointstats_participations')
export class ParticipationEntity {
  @PrimaryColumn({ name: 'round_id', type: 'text' })
  roundId!: string;

  /** The ProposeRound request when this mall proposed the round. */
  @Column({ type: 'jsonb', nullable: true })
  proposal!: RoundProposal | null;

  @Column({ name: 'approved_at', type: 'timestamptz', default: () => 'now()' })
  approvedAt!: Date;

  @Column({ name: 'public_key', type: 'text', nullable: true })
  publicKey!: string | null;

  /** The round's share-encryption secret key, sealed; deleted once the round ends. */
  @Column({ name: 'sealed_key', type: 'bytea', nullable: true })
  sealedKey!: Buffer | null;

  /** The deal as sent, the own shares, the openings g(0) and the plain input, sealed: never leaves the mall. */
  @Column({ name: 'sealed_deal', type: 'bytea', nullable: true })
  sealedDeal!: Buffer | null;

  @Index('jointstats_participations_state')
  @Column({ type: 'text', default: 'active' })
  state!: 'active' | 'done' | 'failed';

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
