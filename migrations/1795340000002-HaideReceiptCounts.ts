// Duplicate and rejected Haide receipts counted per till, business day and outcome (day-end reconciliation).
import { MigrationInterface, QueryRunner } from 'typeorm';

export class HaideReceiptCounts1795340000002 implements MigrationInterface {
  name = 'HaideReceiptCounts1795340000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "haide_receipt_counts" (
                "org_code" text NOT NULL,
                "business_date" date NOT NULL,
                "pos_no" text NOT NULL,
                "outcome" text NOT NULL,
                "count" integer NOT NULL,
                CONSTRAINT "PK_3583a4e846a4f1799dc756dcfe2" PRIMARY KEY ("org_code", "business_date", "pos_no", "outcome")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "haide_receipt_counts"
        `);
  }
}
