import { MigrationInterface, QueryRunner } from 'typeorm';

export class MembershipCredentials1795430000001 implements MigrationInterface {
  name = 'MembershipCredentials1795430000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "membership_credentials" (
                "id" uuid NOT NULL,
                "program_id" text NOT NULL,
                "subject_did" text NOT NULL,
                "list_id" text NOT NULL,
                "status_index" integer NOT NULL,
                "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_43849c1e3e3d1ce9dc813f8fec2" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "membership_credentials_index" ON "membership_credentials" ("list_id", "status_index")
        `);
    await queryRunner.query(`
            CREATE TABLE "credential_status_lists" (
                "list_id" text NOT NULL,
                "issuer_did" text NOT NULL,
                "version" integer NOT NULL,
                CONSTRAINT "PK_c1348a6a8fd2fd0648957a6fb2e" PRIMARY KEY ("list_id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "credential_status_lists"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."membership_credentials_index"
        `);
    await queryRunner.query(`
            DROP TABLE "membership_credentials"
        `);
  }
}
