import { Client } from 'pg';
import { startTestApp } from './support/test-app';
import { closeAll, onFreshDatabase } from './support/test-db';

async function databaseExists(name: string): Promise<boolean> {
  const c = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await c.connect();
  try {
    return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

/** A test that creates a database drops it, also when the app on it never starts. */
describe('test databases', () => {
  it('are dropped when starting on them fails', async () => {
    let name = '';
    await expect(
      onFreshDatabase((db) => {
        name = db.name;
        return Promise.reject(new Error('boot failed'));
      }),
    ).rejects.toThrow('boot failed');
    expect(name).toMatch(/^mw_test_/);
    expect(await databaseExists(name)).toBe(false);
  });

  it('a test app that cannot start rejects naming the setting', async () => {
    await expect(startTestApp({ PORT: 'eighty' })).rejects.toThrow(/PORT: must/);
  });

  it('are dropped on close even when an earlier close step throws', async () => {
    const db = await onFreshDatabase((d) => Promise.resolve(d));
    const closing = closeAll(
      () => {
        throw new Error('app close failed');
      },
      () => db.drop(),
    );
    await expect(closing).rejects.toThrow('app close failed');
    expect(await databaseExists(db.name)).toBe(false);
  });
});
