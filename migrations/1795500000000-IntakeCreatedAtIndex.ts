// The console's intake history (GET /v1/admin/intake/summary?window=24h|7d|30d) reads a bounded window of items by
// acceptance time: a range scan of this index instead of a scan of the whole intake table.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class IntakeCreatedAtIndex1795500000000 implements MigrationInterface {
  name = 'IntakeCreatedAtIndex1795500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "intake_items_created_at" ON "intake_items" ("created_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."intake_items_created_at"`);
  }
}
