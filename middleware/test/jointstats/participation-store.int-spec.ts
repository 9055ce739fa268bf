/**
 * `PgParticipationStore` on a real, migrated Postgres: the writes that must happen once are conditional, so two
 * instances racing keep one key and one deal, and finishing deletes the round key.
 */
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { PgParticipationStore } from '../../src/jointstats/participation.store';
import { createTestDatabase, type TestDatabase } from '../support/test-db';

describe('PgParticipationStore', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgParticipationStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource(dataSourceOptions(db.url, 4));
    await ds.initialize();
    await ds.runMigrations();
    store = new PgParticipationStore(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('approves once; a second approval answers the first', async () => {
    const first = await store.approve('r1', null);
    const again = await store.approve('r1', null);
    expect([first.created, again.created]).toEqual([true, false]);
    expect(again.row).toMatchObject({ roundId: 'r1', state: 'active', publicKey: null, proposal: null });
  });

  it('keeps the first key and the first deal of racing instances', async () => {
    await store.approve('r2', null);
    const rows = await Promise.all(
      ['02'.padEnd(66, 'a'), '03'.padEnd(66, 'b')].map((pub, i) => store.keepKey('r2', pub, Buffer.from([i]))),
    );
    expect(rows[0]?.publicKey).toBe(rows[1]?.publicKey);
    const kept = (await store.get('r2'))!;
    expect(rows.map((r) => r.sealedKey?.toString('hex'))).toEqual([
      kept.sealedKey?.toString('hex'),
      kept.sealedKey?.toString('hex'),
    ]);
    const deals = await Promise.all([
      store.keepDeal('r2', Buffer.from('one')),
      store.keepDeal('r2', Buffer.from('two')),
    ]);
    expect(new Set(deals.map((d) => d.sealedDeal?.toString()))).toEqual(
      new Set([(await store.get('r2'))!.sealedDeal?.toString()]),
    );
  });

  it('finishing deletes the round key, keeps the deal and ends only an active participation', async () => {
    await store.finish('r2', 'done', null);
    expect(await store.get('r2')).toMatchObject({
      state: 'done',
      sealedKey: null,
      sealedDeal: expect.any(Buffer) as unknown,
    });
    await store.finish('r2', 'failed', 'late');
    expect(await store.get('r2')).toMatchObject({ state: 'done', lastError: null });
    expect((await store.active()).map((p) => p.roundId)).toEqual(['r1']);
  });
});
