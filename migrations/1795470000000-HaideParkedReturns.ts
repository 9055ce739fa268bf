// A Haide return pushed before its sale is stored parked (no reversal yet); the sale's arrival decides it.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class HaideParkedReturns1795470000000 implements MigrationInterface {
  name = 'HaideParkedReturns1795470000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "haide_receipts" ADD "parked_since" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "haide_receipts" DROP COLUMN "parked_since"`);
  }
}
