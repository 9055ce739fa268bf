import type { DataSource, QueryRunner } from 'typeorm';

/** Runs `work` in one Postgres transaction on a dedicated connection; rolls back on any error. */
export async function inTransaction<T>(ds: DataSource, work: (qr: QueryRunner) => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.startTransaction();
    const out = await work(qr);
    await qr.commitTransaction();
    return out;
  } catch (e) {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    throw e;
  } finally {
    await qr.release();
  }
}
