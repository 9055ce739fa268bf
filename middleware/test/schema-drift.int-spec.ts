import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { createTestDatabase, closeAll, type TestDatabase } from './support/test-db';

// What `npm run migration:check -w middleware` checks, in the test run: the schema the migrations build is the one
// the TypeORM entities describe (nothing for `migration:generate` to write).
describe('TypeORM entities against the migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ ...dataSourceOptions(db.url, 2), logging: false });
    await ds.initialize();
    await ds.runMigrations();
  });
  afterAll(() =>
    closeAll(
      () => ds.destroy(),
      () => db.drop(),
    ),
  );

  it('has nothing to change in the migrated schema', async () => {
    const { upQueries } = await ds.driver.createSchemaBuilder().log();
    expect(upQueries.map((q) => q.query)).toEqual([]);
  });

  it('describes every read table of the points contract', () => {
    const tables = new Set(ds.entityMetadatas.map((m) => m.tableName));
    for (const t of ['points_programs', 'points_accruals', 'points_history', 'points_lots', 'points_balances'])
      expect(tables).toContain(t);
  });
});
