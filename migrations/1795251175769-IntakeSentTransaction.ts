// The transaction an intake item was last sent as: its ID (tx_id, already there) is now written before sending,
// with the signed envelope and the time, so that a restarted batcher asks the ledger before sending again.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IntakeSentTransaction1795251175769 implements MigrationInterface {
  name = 'IntakeSentTransaction1795251175769';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "intake_items" ADD "tx_envelope" bytea`);
    await queryRunner.query(`ALTER TABLE "intake_items" ADD "tx_sent_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "intake_items" DROP COLUMN "tx_sent_at"`);
    await queryRunner.query(`ALTER TABLE "intake_items" DROP COLUMN "tx_envelope"`);
  }
}
