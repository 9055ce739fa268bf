// A transaction's signed envelope is kept once, not on each item it carries: a batch call of 100 items recorded
// the same ~240 KiB envelope 100 times (bench:pos: 126 ms a call, 24 MB sent to Postgres and written per call).
// Items recorded before this migration keep theirs in intake_items.tx_envelope, which the claim still reads. A
// middleware of an older version reads only that column: stop every instance of the mall before starting one of
// this version (docs/middleware.md, "Upgrades"), as for any migration here.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class IntakeTxEnvelopes1796400000001 implements MigrationInterface {
  name = 'IntakeTxEnvelopes1796400000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "intake_tx_envelopes" ("tx_id" text NOT NULL, "envelope" bytea NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_intake_tx_envelopes" PRIMARY KEY ("tx_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "intake_tx_envelopes_recorded_at" ON "intake_tx_envelopes" ("recorded_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Pending items get their envelope back on their own row, so a batcher of the older version can resend them.
    // The table is locked first: an envelope recorded after the copy's snapshot would be dropped with it.
    await queryRunner.query(`LOCK TABLE "intake_tx_envelopes" IN ACCESS EXCLUSIVE MODE`);
    await queryRunner.query(
      `UPDATE "intake_items" i SET "tx_envelope" = e."envelope" FROM "intake_tx_envelopes" e
        WHERE i."tx_id" = e."tx_id" AND i."status" = 'pending'`,
    );
    await queryRunner.query(`DROP INDEX "public"."intake_tx_envelopes_recorded_at"`);
    await queryRunner.query(`DROP TABLE "intake_tx_envelopes"`);
  }
}
