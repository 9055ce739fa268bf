// Issue 9, intake: the outbox lease gets an owner token (claimed_by) so that a stale batcher's writes are refused;
// items may name an ordering key (never claimed while an earlier item of that key is still in the outbox); an item
// records when it was reported stalled and keeps a history of its terminal transitions (dead, requeued, corrected).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IntakeFencedOrdered1795300000000 implements MigrationInterface {
  name = 'IntakeFencedOrdered1795300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox" ADD "claimed_by" uuid`);
    await queryRunner.query(`ALTER TABLE "outbox" ADD "ordering_key" text`);
    await queryRunner.query(
      `CREATE INDEX "outbox_ordering" ON "outbox" ("ordering_key", "id") WHERE "ordering_key" IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "intake_items" ADD "ordering_key" text`);
    await queryRunner.query(`ALTER TABLE "intake_items" ADD "stalled_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "intake_items" ADD "history" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(
      `CREATE INDEX "intake_items_dead" ON "intake_items" ("updated_at") WHERE "status" = 'dead'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."intake_items_dead"`);
    await queryRunner.query(`ALTER TABLE "intake_items" DROP COLUMN "history"`);
    await queryRunner.query(`ALTER TABLE "intake_items" DROP COLUMN "stalled_at"`);
    await queryRunner.query(`ALTER TABLE "intake_items" DROP COLUMN "ordering_key"`);
    await queryRunner.query(`DROP INDEX "public"."outbox_ordering"`);
    await queryRunner.query(`ALTER TABLE "outbox" DROP COLUMN "ordering_key"`);
    await queryRunner.query(`ALTER TABLE "outbox" DROP COLUMN "claimed_by"`);
  }
}
