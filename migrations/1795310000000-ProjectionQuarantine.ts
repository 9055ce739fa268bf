// Events the projection could not apply (malformed payload, a change a table refuses, a throwing projector) are
// parked here with their error instead of stopping the read model; an admin re-applies or discards them.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProjectionQuarantine1795310000000 implements MigrationInterface {
  name = 'ProjectionQuarantine1795310000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "projection_quarantine" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "block_number" bigint NOT NULL, "tx_id" text NOT NULL, "event_name" text NOT NULL, "payload" bytea NOT NULL, "error" text NOT NULL, "log_seq" bigint NOT NULL, "status" text NOT NULL DEFAULT 'parked', "attempts" integer NOT NULL DEFAULT 1, "first_seen" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "projection_quarantine_status" CHECK ("status" IN ('parked', 'reapplied', 'discarded')), CONSTRAINT "PK_projection_quarantine" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "projection_quarantine_tx" ON "projection_quarantine" ("tx_id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."projection_quarantine_tx"`);
    await queryRunner.query(`DROP TABLE "projection_quarantine"`);
  }
}
