import { Column } from 'typeorm';

/**
 * The columns every cache of a ledger entity ends with: the whole ledger record as projected, and the transaction
 * and block that last wrote it (what `projection verify` compares with the peer). Not a table of its own.
 */
export abstract class ProjectedRecordColumns {
  @Column({ type: 'jsonb' })
  record!: object;

  @Column({ name: 'tx_id', type: 'text' })
  txId!: string;

  @Column({ name: 'block_number', type: 'bigint' })
  blockNumber!: string;
}
