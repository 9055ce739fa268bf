// A flood of refused consortium requests wrote one audit row each; refusals before the service ran are now
// aggregated: one row per (actor, client address, operation, reason) per minute with a count.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditRefusalAggregation1795320000001 implements MigrationInterface {
  name = 'AuditRefusalAggregation1795320000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "consortium_audit_log" ADD "count" integer NOT NULL DEFAULT 1`);
    await queryRunner.query(`ALTER TABLE "consortium_audit_log" ADD "client_address" text`);
    await queryRunner.query(`ALTER TABLE "consortium_audit_log" ADD "aggregate_key" text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "consortium_audit_log_aggregate" ON "consortium_audit_log" ("aggregate_key")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."consortium_audit_log_aggregate"`);
    await queryRunner.query(`ALTER TABLE "consortium_audit_log" DROP COLUMN "aggregate_key"`);
    await queryRunner.query(`ALTER TABLE "consortium_audit_log" DROP COLUMN "client_address"`);
    await queryRunner.query(`ALTER TABLE "consortium_audit_log" DROP COLUMN "count"`);
  }
}
