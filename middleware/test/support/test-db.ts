import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A throw-away database with a random name; `drop()` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `mw_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return {
    name,
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * A fresh database handed to `start`; when `start` throws (an app that fails to boot or migrate)
 * the database is dropped before the error propagates, since no caller would ever get to drop it.
 */
export async function onFreshDatabase<T>(start: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = await createTestDatabase();
  try {
    return await start(db);
  } catch (e) {
    await db.drop();
    throw e;
  }
}

/** Runs every step even when an earlier one throws (the database must go even if the app fails to close). */
export async function closeAll(...steps: (() => unknown)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) throw errors[0];
}

async function adminQuery(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
