import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Generic read model: the latest value of every ledger key, as carried by chaincode events. */
@Entity('ledger_state')
export class LedgerStateEntity {
  @PrimaryColumn({ type: 'text' })
  entity!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'jsonb' })
  data!: unknown;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}
