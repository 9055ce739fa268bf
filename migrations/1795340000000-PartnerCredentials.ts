// Partner credentials (Haide, Huina): appId, sealed secret (AES-256-GCM), revocation; the nonce store of signed requests.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class PartnerCredentials1795340000000 implements MigrationInterface {
  name = 'PartnerCredentials1795340000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "partner_nonces" (
                "app_id" text NOT NULL,
                "nonce" text NOT NULL,
                "request_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_28c5979775e1096a69d95cc1140" PRIMARY KEY ("app_id", "nonce")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "partner_nonces_request_at" ON "partner_nonces" ("request_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "partners" (
                "app_id" text NOT NULL,
                "kind" text NOT NULL,
                "mall_msp_id" text NOT NULL,
                "org_code" text NOT NULL,
                "name" text NOT NULL,
                "secret_sealed" bytea NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "rotated_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "partners_kind" CHECK ("kind" IN ('haide', 'huina')),
                CONSTRAINT "PK_d1834ec10079b460c5ccc1e3fcc" PRIMARY KEY ("app_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "partners_org_code" ON "partners" ("org_code")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."partners_org_code"
        `);
    await queryRunner.query(`
            DROP TABLE "partners"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."partner_nonces_request_at"
        `);
    await queryRunner.query(`
            DROP TABLE "partner_nonces"
        `);
  }
}
