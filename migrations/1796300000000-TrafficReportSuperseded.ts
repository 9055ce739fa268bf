// A device proof refused by the ledger for its key or the device's status gives its seq back (docs/huina.md, "Device
// keys from the cache"): a new proof for that seq gets its own report, and the refused report stays, superseded.
// The one-report-per-seq rule holds among the reports not superseded.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class TrafficReportSuperseded1796300000000 implements MigrationInterface {
  name = 'TrafficReportSuperseded1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "huina_traffic_reports" ADD "superseded_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "huina_traffic_reports" ADD "superseded_by" uuid`);
    await queryRunner.query(`DROP INDEX "public"."huina_traffic_reports_device_seq"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "huina_traffic_reports_device_seq" ON "huina_traffic_reports" ("device_did", "seq") WHERE "superseded_at" IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM "huina_traffic_report_records" WHERE "report_id" IN (SELECT "id" FROM "huina_traffic_reports" WHERE "superseded_at" IS NOT NULL)`,
    );
    await queryRunner.query(`DELETE FROM "huina_traffic_reports" WHERE "superseded_at" IS NOT NULL`);
    await queryRunner.query(`DROP INDEX "public"."huina_traffic_reports_device_seq"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "huina_traffic_reports_device_seq" ON "huina_traffic_reports" ("device_did", "seq") `,
    );
    await queryRunner.query(`ALTER TABLE "huina_traffic_reports" DROP COLUMN "superseded_by"`);
    await queryRunner.query(`ALTER TABLE "huina_traffic_reports" DROP COLUMN "superseded_at"`);
  }
}
