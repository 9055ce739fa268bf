// Consortium administration: audit log (one row per admin request), stored config proposals, long operations.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsortiumAdmin1795251160279 implements MigrationInterface {
  name = 'ConsortiumAdmin1795251160279';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "consortium_audit_log" ("id" uuid NOT NULL, "actor" text NOT NULL, "actor_key_id" uuid, "actor_key_name" text, "actor_msp_id" text, "operation" text NOT NULL, "target" jsonb NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL, "result" text NOT NULL, "error" jsonb, "outcome" jsonb, "steps" jsonb NOT NULL DEFAULT '[]', CONSTRAINT "consortium_audit_log_result" CHECK ("result" IN ('ok', 'refused', 'failed')), CONSTRAINT "PK_consortium_audit_log" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "consortium_audit_log_started" ON "consortium_audit_log" ("started_at") `);
    await queryRunner.query(
      `CREATE TABLE "consortium_proposals" ("id" uuid NOT NULL, "operation" text NOT NULL, "channel" text NOT NULL, "status" text NOT NULL DEFAULT 'open', "signatures" jsonb NOT NULL, "file" jsonb NOT NULL, "created_by" text NOT NULL, "sequence" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "consortium_proposals_status" CHECK ("status" IN ('open', 'submitting', 'submitted')), CONSTRAINT "PK_consortium_proposals" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "consortium_operations" ("id" uuid NOT NULL, "kind" text NOT NULL, "status" text NOT NULL, "actor" text NOT NULL, "target" jsonb NOT NULL, "progress" jsonb NOT NULL DEFAULT '[]', "result" jsonb, "error" jsonb, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "consortium_operations_status" CHECK ("status" IN ('running', 'succeeded', 'failed')), CONSTRAINT "PK_consortium_operations" PRIMARY KEY ("id"))`,
    );
    // At most one long operation at a time: they all change the same network.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "consortium_operations_one_running" ON "consortium_operations" ("status") WHERE "status" = 'running'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."consortium_operations_one_running"`);
    await queryRunner.query(`DROP TABLE "consortium_operations"`);
    await queryRunner.query(`DROP TABLE "consortium_proposals"`);
    await queryRunner.query(`DROP INDEX "public"."consortium_audit_log_started"`);
    await queryRunner.query(`DROP TABLE "consortium_audit_log"`);
  }
}
