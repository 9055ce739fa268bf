// The returns index covers returns only. As a full index it began with the primary key's (org_code, pos_no), so
// with statistics a growing table had outrun the planner could pick it for a receipt lookup by (posNo, flowNo)
// and filter each till's rows one by one: measured in bench:pos at 45 ms a request of 100 receipts, rising with
// the table (650 ms at 80,000 receipts), where the primary key answers in microseconds. Partial, it matches only
// a query that says tx_type = 'RETURN' (the returns of sales), and it is smaller to keep up: sales never enter it.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class HaideReturnsIndexPartial1796400000000 implements MigrationInterface {
  name = 'HaideReturnsIndexPartial1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."haide_receipts_returns"`);
    await queryRunner.query(
      `CREATE INDEX "haide_receipts_returns" ON "haide_receipts" ("org_code", "pos_no", "back_flow_no") WHERE tx_type = 'RETURN'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."haide_receipts_returns"`);
    await queryRunner.query(
      `CREATE INDEX "haide_receipts_returns" ON "haide_receipts" ("org_code", "pos_no", "back_flow_no") `,
    );
  }
}
