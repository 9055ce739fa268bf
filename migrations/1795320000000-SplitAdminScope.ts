// The one `admin` scope guarded every write; scopes now follow caller roles (middleware/src/auth/scopes.ts).
// An `admin` key keeps everything it could do (keys, operations, consortium, webhooks, notes, intake status),
// each named; every key keeps reading intake status, which needed no scope before.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const FORMER_ADMIN = ['keys:admin', 'ops:admin', 'consortium:admin', 'webhooks', 'notes:write', 'notes:read'];
const OLD_SCOPES = ['points:read', 'points:write', 'devices:write', 'dids:write', 'admin'];

const literal = (xs: readonly string[]): string => `ARRAY[${xs.map((x) => `'${x}'`).join(', ')}]::text[]`;

export class SplitAdminScope1795320000000 implements MigrationInterface {
  name = 'SplitAdminScope1795320000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "api_keys" SET "scopes" = ARRAY(SELECT DISTINCT s FROM unnest(array_remove("scopes", 'admin') || ${literal(FORMER_ADMIN)}) s ORDER BY s)
       WHERE 'admin' = ANY("scopes")`,
    );
    await queryRunner.query(
      `UPDATE "api_keys" SET "scopes" = array_append("scopes", 'intake:read') WHERE NOT ('intake:read' = ANY("scopes"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "api_keys" SET "scopes" = array_append("scopes", 'admin')
       WHERE "scopes" && ${literal(FORMER_ADMIN)} AND NOT ('admin' = ANY("scopes"))`,
    );
    await queryRunner.query(
      `UPDATE "api_keys" SET "scopes" = ARRAY(SELECT s FROM unnest("scopes") s WHERE s = ANY(${literal(OLD_SCOPES)}))`,
    );
  }
}
