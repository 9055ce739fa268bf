import { MigrationInterface, QueryRunner } from 'typeorm';

export class HuinaTraffic1795350000000 implements MigrationInterface {
  name = 'HuinaTraffic1795350000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "huina_sites" (
                "site_key" text NOT NULL,
                "site_name" text NOT NULL,
                "site_type" integer NOT NULL,
                "parent_site_key" text,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f3cdf32b9efc68f52b56716cf45" PRIMARY KEY ("site_key")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "huina_sites_parent" ON "huina_sites" ("parent_site_key")
        `);
    await queryRunner.query(`
            CREATE TABLE "huina_traffic_buckets" (
                "site_key" text NOT NULL,
                "data_time" TIMESTAMP WITH TIME ZONE NOT NULL,
                "interval_min" integer NOT NULL,
                "interval" text NOT NULL,
                "in_num" integer NOT NULL,
                "out_num" integer NOT NULL,
                "through_num" integer,
                "modify_time" TIMESTAMP WITH TIME ZONE NOT NULL,
                "device_host" text,
                "channel" text,
                "app_id" text NOT NULL,
                "report_id" uuid,
                "report_position" integer,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_78fbfb3c5f1682eb565a440affa" PRIMARY KEY ("site_key", "data_time", "interval_min")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "huina_traffic_buckets_report" ON "huina_traffic_buckets" ("report_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "huina_traffic_reports" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "device_did" text NOT NULL,
                "seq" bigint NOT NULL,
                "digest" text NOT NULL,
                "statement" jsonb NOT NULL,
                "kid" text NOT NULL,
                "tracking_id" uuid NOT NULL,
                "app_id" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_2b7e39a4ba43604603bd2ea4965" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "huina_traffic_reports_device_seq" ON "huina_traffic_reports" ("device_did", "seq")
        `);
    await queryRunner.query(`
            CREATE TABLE "huina_traffic_report_records" (
                "report_id" uuid NOT NULL,
                "position" integer NOT NULL,
                "record" jsonb NOT NULL,
                CONSTRAINT "PK_8b8b5baa3451072a7be2141863f" PRIMARY KEY ("report_id", "position")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "huina_traffic_report_records"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."huina_traffic_reports_device_seq"
        `);
    await queryRunner.query(`
            DROP TABLE "huina_traffic_reports"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."huina_traffic_buckets_report"
        `);
    await queryRunner.query(`
            DROP TABLE "huina_traffic_buckets"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."huina_sites_parent"
        `);
    await queryRunner.query(`
            DROP TABLE "huina_sites"
        `);
  }
}
