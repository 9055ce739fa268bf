import type { ConfigProposal } from '@mallchain/fabric-network';
import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** `open`: collecting signatures; `submitting`: a submit operation runs; `submitted`: in the channel. */
export type ProposalState = 'open' | 'submitting' | 'submitted';

/** A signature as recorded here: the file's readable copy plus, for signatures made by this middleware, who asked. */
export interface SignatureSummary {
  readonly mspId: string;
  readonly subject: string;
  readonly role: string;
  readonly signedAt: string;
  /** The API key actor that had this mall's admin sign (absent for signatures made elsewhere). */
  readonly recordedBy?: string;
}

/** A config update proposal kept while its signatures are collected. */
@Entity('consortium_proposals')
@Check('consortium_proposals_status', `"status" IN ('open', 'submitting', 'submitted')`)
export class ProposalEntity {
  /** The proposal file's own id (the same at every mall that handles the file). */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** add-mall | remove-mall | channel-params | revoke-identity */
  @Column({ type: 'text' })
  operation!: string;

  @Column({ type: 'text' })
  channel!: string;

  @Column({ type: 'text', default: 'open' })
  status!: ProposalState;

  @Column({ type: 'jsonb' })
  signatures!: SignatureSummary[];

  /** The proposal file (`mallchain-config-proposal/1`), envelope included. */
  @Column({ type: 'jsonb' })
  file!: ConfigProposal;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  /** Config sequence reached when this middleware submitted it. */
  @Column({ type: 'integer', nullable: true })
  sequence!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
