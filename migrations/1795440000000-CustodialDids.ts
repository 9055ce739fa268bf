// Member DIDs created by the mall for members without a wallet: the controller key sealed until the member claims it.
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CustodialDids1795440000000 implements MigrationInterface {
  name = 'CustodialDids1795440000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "custodial_dids" (
                "did" text NOT NULL,
                "public_jwk" jsonb NOT NULL,
                "key_sealed" bytea,
                "status" text NOT NULL DEFAULT 'held',
                "create_tracking_id" uuid NOT NULL,
                "claim_hash" character(64),
                "claim_tracking_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "claimed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_custodial_dids" PRIMARY KEY ("did")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "custodial_dids"
        `);
  }
}
