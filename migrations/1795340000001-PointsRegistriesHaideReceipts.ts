// Points registries (tills, earn rules, members with sealed personal data and card blind indexes) and the Haide receipts.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class PointsRegistriesHaideReceipts1795340000001 implements MigrationInterface {
  name = 'PointsRegistriesHaideReceipts1795340000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "haide_receipts" (
                "org_code" text NOT NULL,
                "pos_no" text NOT NULL,
                "flow_no" text NOT NULL,
                "content_hash" character(64) NOT NULL,
                "tx_type" text NOT NULL,
                "ocr_time" TIMESTAMP WITH TIME ZONE NOT NULL,
                "business_date" date NOT NULL,
                "real_amt_fen" bigint NOT NULL,
                "points" integer NOT NULL,
                "tracking_id" uuid,
                "back_flow_no" text,
                "member_did" text,
                "program_id" text NOT NULL,
                "merchant_id" text NOT NULL,
                "app_id" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "haide_receipts_tx_type" CHECK ("tx_type" IN ('SALE', 'RETURN')),
                CONSTRAINT "PK_e347b5445fb038d25994a8e2af6" PRIMARY KEY ("org_code", "pos_no", "flow_no")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "haide_receipts_returns" ON "haide_receipts" ("org_code", "pos_no", "back_flow_no")
        `);
    await queryRunner.query(`
            CREATE INDEX "haide_receipts_day" ON "haide_receipts" ("org_code", "business_date", "pos_no")
        `);
    await queryRunner.query(`
            CREATE TABLE "points_earn_rules" (
                "program_id" text NOT NULL,
                "points_per_yuan" text NOT NULL,
                "rounding" text NOT NULL,
                "category_multipliers" jsonb NOT NULL,
                "excluded_pay_cls" text array NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_1fadd208cf6e39ad9ec9252db70" PRIMARY KEY ("program_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "members" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "did" text NOT NULL,
                "name_sealed" bytea,
                "mobile_sealed" bytea,
                "mobile_index" character(64),
                "level_name" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_28b53062261b996d9c99fa12404" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "members_did" ON "members" ("did")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "members_mobile_index" ON "members" ("mobile_index")
        `);
    await queryRunner.query(`
            CREATE TABLE "member_cards" (
                "card_index" character(64) NOT NULL,
                "card_sealed" bytea NOT NULL,
                "member_id" uuid NOT NULL,
                "status" text NOT NULL DEFAULT 'active',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_e451795f6e66ec854fcef874aff" PRIMARY KEY ("card_index")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "member_cards_member" ON "member_cards" ("member_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "points_tills" (
                "org_code" text NOT NULL,
                "pos_no" text NOT NULL,
                "merchant_id" text NOT NULL,
                "tenant" text NOT NULL,
                "program_id" text NOT NULL,
                "category" text NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_c3c907789d61007e6851e59e5d5" PRIMARY KEY ("org_code", "pos_no")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "points_tills"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."member_cards_member"
        `);
    await queryRunner.query(`
            DROP TABLE "member_cards"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."members_mobile_index"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."members_did"
        `);
    await queryRunner.query(`
            DROP TABLE "members"
        `);
    await queryRunner.query(`
            DROP TABLE "points_earn_rules"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."haide_receipts_day"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."haide_receipts_returns"
        `);
    await queryRunner.query(`
            DROP TABLE "haide_receipts"
        `);
  }
}
