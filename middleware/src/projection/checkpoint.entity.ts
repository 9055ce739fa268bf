import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Last ledger event applied to the read model; written in the same transaction as the changes. */
@Entity('projection_checkpoint')
export class CheckpointEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
