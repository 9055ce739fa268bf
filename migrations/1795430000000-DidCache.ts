import { MigrationInterface, QueryRunner } from 'typeorm';

export class DidCache1795430000000 implements MigrationInterface {
  name = 'DidCache1795430000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "did_documents" (
                "did" text NOT NULL,
                "role" text NOT NULL,
                "owner_msp" text,
                "version_id" integer NOT NULL,
                "deactivated" boolean NOT NULL,
                "record" jsonb NOT NULL,
                "tx_id" text NOT NULL,
                "block_number" bigint NOT NULL,
                CONSTRAINT "PK_da36929ee65920ba988c5d3ed3a" PRIMARY KEY ("did")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "did_versions" (
                "did" text NOT NULL,
                "version_id" integer NOT NULL,
                "updated" TIMESTAMP WITH TIME ZONE NOT NULL,
                "record" jsonb NOT NULL,
                "tx_id" text NOT NULL,
                "block_number" bigint NOT NULL,
                CONSTRAINT "PK_494f06ec67fcb9738adb427de79" PRIMARY KEY ("did", "version_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "did_versions_time" ON "did_versions" ("did", "updated")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."did_versions_time"
        `);
    await queryRunner.query(`
            DROP TABLE "did_versions"
        `);
    await queryRunner.query(`
            DROP TABLE "did_documents"
        `);
  }
}
