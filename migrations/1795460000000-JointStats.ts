import { MigrationInterface, QueryRunner } from 'typeorm';

export class JointStats1795460000000 implements MigrationInterface {
  name = 'JointStats1795460000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "jointstats_participations" (
                "round_id" text NOT NULL,
                "proposal" jsonb,
                "approved_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "public_key" text,
                "sealed_key" bytea,
                "sealed_deal" bytea,
                "state" text NOT NULL DEFAULT 'active',
                "last_error" text,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5bd7ae3e918cc2219165d139afd" PRIMARY KEY ("round_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "jointstats_participations_state" ON "jointstats_participations" ("state")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."jointstats_participations_state"
        `);
    await queryRunner.query(`
            DROP TABLE "jointstats_participations"
        `);
  }
}
