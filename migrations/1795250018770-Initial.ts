// First schema of the middleware database: API keys, intake + outbox, read model, event log, webhooks.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795250018770 implements MigrationInterface {
  name = 'Initial1795250018770';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "mall_msp_id" text NOT NULL, "name" text NOT NULL, "key_prefix" text NOT NULL, "key_hash" character(64) NOT NULL, "scopes" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_57384430aa1959f4578046c9b81" UNIQUE ("key_hash"), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "intake_items" ("tracking_id" uuid NOT NULL, "kind" text NOT NULL, "natural_key" text NOT NULL, "content_hash" character(64) NOT NULL, "payload" jsonb NOT NULL, "fn" text NOT NULL, "args" jsonb NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "error_code" text, "last_error" text, "tx_id" text, "block_number" bigint, "api_key_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "committed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "intake_items_natural_key" UNIQUE ("kind", "natural_key"), CONSTRAINT "intake_items_status" CHECK ("status" IN ('pending', 'committed', 'dead')), CONSTRAINT "PK_408860691727908294b1f1c31cc" PRIMARY KEY ("tracking_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "intake_items_tx_id" ON "intake_items" ("tx_id") `);
    await queryRunner.query(
      `CREATE TABLE "outbox" ("id" BIGSERIAL NOT NULL, "tracking_id" uuid NOT NULL, "available_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "claimed_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "REL_d2a72d06f9ea3b7bb8b14feb56" UNIQUE ("tracking_id"), CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "outbox_ready" ON "outbox" ("available_at", "id") `);
    await queryRunner.query(
      `CREATE TABLE "notes" ("id" text NOT NULL, "text" text NOT NULL, "written_by" text NOT NULL, "written_at" TIMESTAMP WITH TIME ZONE NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "PK_af6206538ea96c4e77e9f400c3d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "projection_checkpoint" ("name" text NOT NULL, "block_number" bigint NOT NULL, "tx_id" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0a9907b5eba663b71996ef01f25" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "events" ("seq" BIGSERIAL NOT NULL, "type" text NOT NULL, "tx_id" text, "block_number" bigint, "data" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_44840d7c5944a3bfbf21a6113d8" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "events_ledger_tx" ON "events" ("tx_id") WHERE "type" = 'ledger.changes'`,
    );
    await queryRunner.query(
      `CREATE TABLE "ledger_state" ("entity" text NOT NULL, "id" text NOT NULL, "data" jsonb NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "PK_294460cd3f7fcd419953d208903" PRIMARY KEY ("entity", "id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_subscriptions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "mall_msp_id" text NOT NULL, "url" text NOT NULL, "secret" text NOT NULL, "event_types" text array NOT NULL, "offset" bigint NOT NULL DEFAULT '0', "status" text NOT NULL DEFAULT 'active', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_error" text, "last_delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "webhook_subscriptions_status" CHECK ("status" IN ('active', 'failing', 'paused')), CONSTRAINT "PK_bf631ae77d39849d599817fb6f4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "outbox" ADD CONSTRAINT "FK_d2a72d06f9ea3b7bb8b14feb563" FOREIGN KEY ("tracking_id") REFERENCES "intake_items"("tracking_id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox" DROP CONSTRAINT "FK_d2a72d06f9ea3b7bb8b14feb563"`);
    await queryRunner.query(`DROP TABLE "webhook_subscriptions"`);
    await queryRunner.query(`DROP TABLE "ledger_state"`);
    await queryRunner.query(`DROP INDEX "public"."events_ledger_tx"`);
    await queryRunner.query(`DROP TABLE "events"`);
    await queryRunner.query(`DROP TABLE "projection_checkpoint"`);
    await queryRunner.query(`DROP TABLE "notes"`);
    await queryRunner.query(`DROP INDEX "public"."outbox_ready"`);
    await queryRunner.query(`DROP TABLE "outbox"`);
    await queryRunner.query(`DROP INDEX "public"."intake_items_tx_id"`);
    await queryRunner.query(`DROP TABLE "intake_items"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
