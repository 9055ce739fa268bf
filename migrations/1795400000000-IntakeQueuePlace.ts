import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-key order that survives a requeue and a dead predecessor (`queue_seq`), and dependencies on a predecessor by
 * natural key (`after_kind`, `after_key`). See docs/middleware.md, "Intake state machine".
 */
export class IntakeQueuePlace1795400000000 implements MigrationInterface {
  name = 'IntakeQueuePlace1795400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "intake_items"
            ADD "queue_seq" bigint
        `);
    await queryRunner.query(`
            ALTER TABLE "intake_items"
            ADD "after_kind" text
        `);
    await queryRunner.query(`
            ALTER TABLE "intake_items"
            ADD "after_key" text
        `);
    await queryRunner.query(`
            ALTER TABLE "outbox"
            ADD "after_kind" text
        `);
    await queryRunner.query(`
            ALTER TABLE "outbox"
            ADD "after_key" text
        `);
    // Items waiting in the outbox take their current row's ID as their place.
    await queryRunner.query(`
            UPDATE "intake_items" i SET "queue_seq" = o."id" FROM "outbox" o WHERE o."tracking_id" = i."tracking_id"
        `);
    await queryRunner.query(`
            CREATE INDEX "intake_dead_ordering" ON "intake_items" ("ordering_key", "queue_seq")
            WHERE "status" = 'dead'
                AND "ordering_key" IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."intake_dead_ordering"
        `);
    await queryRunner.query(`
            ALTER TABLE "outbox" DROP COLUMN "after_key"
        `);
    await queryRunner.query(`
            ALTER TABLE "outbox" DROP COLUMN "after_kind"
        `);
    await queryRunner.query(`
            ALTER TABLE "intake_items" DROP COLUMN "after_key"
        `);
    await queryRunner.query(`
            ALTER TABLE "intake_items" DROP COLUMN "after_kind"
        `);
    await queryRunner.query(`
            ALTER TABLE "intake_items" DROP COLUMN "queue_seq"
        `);
  }
}
