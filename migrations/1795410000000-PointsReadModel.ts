// Typed read model of the points contract (projected from mallchain.changes): docs/points-api.md.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class PointsReadModel1795410000000 implements MigrationInterface {
  name = 'PointsReadModel1795410000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "points_programs" ("program_id" text NOT NULL, "issuer" text NOT NULL, "name" text NOT NULL, "unit_value_fen" integer NOT NULL, "next_unit_value" jsonb NOT NULL, "expiry_months" integer NOT NULL, "return_window_days" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_programs_pkey" PRIMARY KEY ("program_id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "points_programs_ledger_key" ON "points_programs" ("ledger_key")`);
    await queryRunner.query(
      `CREATE TABLE "points_merchants" ("merchant_id" text NOT NULL, "mall" text NOT NULL, "name" text NOT NULL, "category" text NOT NULL, "program_id" text NOT NULL, "status" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_merchants_pkey" PRIMARY KEY ("merchant_id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "points_merchants_ledger_key" ON "points_merchants" ("ledger_key")`);
    await queryRunner.query(
      `CREATE TABLE "points_accruals" ("program_id" text NOT NULL, "source_ref" text NOT NULL, "member" text NOT NULL, "amount" bigint NOT NULL, "merchant" text, "lot_id" text NOT NULL, "reversed" bigint NOT NULL, "earned_at" TIMESTAMP WITH TIME ZONE NOT NULL, "accrual_tx_id" text NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_accruals_pkey" PRIMARY KEY ("program_id", "source_ref"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "points_accruals_ledger_key" ON "points_accruals" ("ledger_key")`);
    await queryRunner.query(`CREATE INDEX "points_accruals_member" ON "points_accruals" ("member")`);
    await queryRunner.query(
      `CREATE TABLE "points_reversals" ("program_id" text NOT NULL, "reversal_ref" text NOT NULL, "source_ref" text NOT NULL, "member" text NOT NULL, "lot_id" text NOT NULL, "amount" bigint NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_reversals_pkey" PRIMARY KEY ("program_id", "reversal_ref"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "points_reversals_ledger_key" ON "points_reversals" ("ledger_key")`);
    await queryRunner.query(
      `CREATE INDEX "points_reversals_source" ON "points_reversals" ("program_id", "source_ref")`,
    );
    await queryRunner.query(
      `CREATE TABLE "points_redemptions" ("merchant" text NOT NULL, "ref" text NOT NULL, "mall" text NOT NULL, "program_id" text NOT NULL, "issuer" text NOT NULL, "member" text NOT NULL, "amount" bigint NOT NULL, "value_fen" bigint NOT NULL, "takes" jsonb NOT NULL, "clearing_key" text, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_redemptions_pkey" PRIMARY KEY ("merchant", "ref"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "points_redemptions_ledger_key" ON "points_redemptions" ("ledger_key")`,
    );
    await queryRunner.query(`CREATE INDEX "points_redemptions_member" ON "points_redemptions" ("member")`);
    await queryRunner.query(
      `CREATE TABLE "points_clearing" ("kind" text NOT NULL, "debtor" text NOT NULL, "creditor" text NOT NULL, "amount_fen" bigint NOT NULL, "points" bigint NOT NULL, "program_id" text NOT NULL, "ref" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_clearing_pkey" PRIMARY KEY ("ledger_key"))`,
    );
    await queryRunner.query(`CREATE INDEX "points_clearing_at" ON "points_clearing" ("at")`);
    await queryRunner.query(
      `CREATE TABLE "points_statements" ("period_id" text NOT NULL, "period_from" TIMESTAMP WITH TIME ZONE NOT NULL, "period_to" TIMESTAMP WITH TIME ZONE NOT NULL, "entries" integer NOT NULL, "gross" jsonb NOT NULL, "positions" jsonb NOT NULL, "payments" jsonb NOT NULL, "closed_by" text NOT NULL, "closed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_statements_pkey" PRIMARY KEY ("period_id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "points_statements_ledger_key" ON "points_statements" ("ledger_key")`);
    await queryRunner.query(
      `CREATE TABLE "points_confirmations" ("period_id" text NOT NULL, "mall" text NOT NULL, "confirmed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_confirmations_pkey" PRIMARY KEY ("period_id", "mall"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "points_confirmations_ledger_key" ON "points_confirmations" ("ledger_key")`,
    );
    await queryRunner.query(
      `CREATE TABLE "points_rates" ("from_program" text NOT NULL, "to_program" text NOT NULL, "numerator" bigint NOT NULL, "denominator" bigint NOT NULL, "unit_value_fen" integer NOT NULL, "status" text NOT NULL, "proposed_by" text NOT NULL, "approved_by" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_rates_pkey" PRIMARY KEY ("from_program", "to_program"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "points_rates_ledger_key" ON "points_rates" ("ledger_key")`);
    await queryRunner.query(
      `CREATE TABLE "points_history" ("member" text NOT NULL, "type" text NOT NULL, "program_id" text NOT NULL, "points" bigint NOT NULL, "ref" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_history_pkey" PRIMARY KEY ("ledger_key"))`,
    );
    await queryRunner.query(`CREATE INDEX "points_history_member" ON "points_history" ("member", "ledger_key")`);
    await queryRunner.query(
      `CREATE TABLE "points_lots" ("lot_id" text NOT NULL, "member" text NOT NULL, "program_id" text NOT NULL, "origin" text NOT NULL, "source_ref" text NOT NULL, "amount" bigint NOT NULL, "remaining" bigint NOT NULL, "redeemed" bigint NOT NULL, "reversed" bigint NOT NULL, "expired" bigint NOT NULL, "moved_out" bigint NOT NULL, "earned_at" TIMESTAMP WITH TIME ZONE NOT NULL, "available_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "live" boolean NOT NULL, "ledger_key" text NOT NULL, "tx_id" text NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_lots_pkey" PRIMARY KEY ("lot_id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "points_lots_ledger_key" ON "points_lots" ("ledger_key")`);
    await queryRunner.query(`CREATE INDEX "points_lots_member" ON "points_lots" ("member", "program_id", "live")`);
    await queryRunner.query(
      `CREATE TABLE "points_balances" ("member" text NOT NULL, "program_id" text NOT NULL, "remaining" bigint NOT NULL, "block_number" bigint NOT NULL, CONSTRAINT "points_balances_pkey" PRIMARY KEY ("member", "program_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "points_balances"`);
    await queryRunner.query(`DROP TABLE "points_lots"`);
    await queryRunner.query(`DROP TABLE "points_history"`);
    await queryRunner.query(`DROP TABLE "points_rates"`);
    await queryRunner.query(`DROP TABLE "points_confirmations"`);
    await queryRunner.query(`DROP TABLE "points_statements"`);
    await queryRunner.query(`DROP TABLE "points_clearing"`);
    await queryRunner.query(`DROP TABLE "points_redemptions"`);
    await queryRunner.query(`DROP TABLE "points_reversals"`);
    await queryRunner.query(`DROP TABLE "points_accruals"`);
    await queryRunner.query(`DROP TABLE "points_merchants"`);
    await queryRunner.query(`DROP TABLE "points_programs"`);
  }
}
