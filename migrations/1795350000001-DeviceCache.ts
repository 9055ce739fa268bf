import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeviceCache1795350000001 implements MigrationInterface {
  name = 'DeviceCache1795350000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "devices" (
                "did" text NOT NULL,
                "owner_msp" text NOT NULL,
                "type" text NOT NULL,
                "status" text NOT NULL,
                "record" jsonb NOT NULL,
                "tx_id" text NOT NULL,
                "block_number" bigint NOT NULL,
                CONSTRAINT "PK_d981f75c3081b938d8b7269c2b7" PRIMARY KEY ("did")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "devices_status" ON "devices" ("status")
        `);
    await queryRunner.query(`
            CREATE TABLE "device_attestations" (
                "device_did" text NOT NULL,
                "seq" bigint NOT NULL,
                "period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
                "period_end" TIMESTAMP WITH TIME ZONE NOT NULL,
                "kind" text NOT NULL,
                "digest" text NOT NULL,
                "record" jsonb NOT NULL,
                "tx_id" text NOT NULL,
                "block_number" bigint NOT NULL,
                CONSTRAINT "PK_2eb169f2a67963a7dd35f1ee213" PRIMARY KEY ("device_did", "seq")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "device_attestations_period" ON "device_attestations" ("device_did", "period_start")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."device_attestations_period"
        `);
    await queryRunner.query(`
            DROP TABLE "device_attestations"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."devices_status"
        `);
    await queryRunner.query(`
            DROP TABLE "devices"
        `);
  }
}
