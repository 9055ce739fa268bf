import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Typed read table for `note` entities (projected from `info:PutNote`). */
@Entity('notes')
export class NoteEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'written_by', type: 'text' })
  writtenBy!: string;

  @Column({ name: 'written_at', type: 'timestamptz' })
  writtenAt!: Date;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}
