import type { LightMyRequestResponse } from 'fastify';
import { FakeLedger } from '../support/fake-ledger';
import { startTestApp, type TestApp } from '../support/test-app';

/** An app over an empty read model whose rows a test writes as the projection would, and a points:read key. */
export interface ReadModelHarness {
  readonly t: TestApp;
  /** A key with points:read only. */
  readonly read: string;
  /** GET `url` with `key` (the points:read key unless another is named). */
  get(url: string, key?: string): Promise<LightMyRequestResponse>;
  /** A projected points program: unit value in fen, 24 months' expiry, a 7-day return window. */
  program(id: string, issuer: string, unitValueFen: number, name?: string): Promise<unknown>;
}

/** Starts the app on the fake ledger (nothing projects: the rows are the test's) with a points:read key. */
export async function startReadModel(): Promise<ReadModelHarness> {
  const t = await startTestApp({}, new FakeLedger());
  const read = await t.key(['points:read']);
  return {
    t,
    read,
    get: (url, key = read) => t.app.inject({ url, headers: { 'x-api-key': key } }),
    program: (id, issuer, unitValueFen, name = id) =>
      t.db.query(
        `INSERT INTO points_programs (program_id, issuer, name, unit_value_fen, next_unit_value, expiry_months,
           return_window_days, created_at, updated_at, ledger_key, tx_id, block_number)
         VALUES ($1, $2, $3, $4, 'null'::jsonb, 24, 7, now(), now(), 'program~' || $1, 'tx-' || $1, 1)`,
        [id, issuer, name, unitValueFen],
      ),
  };
}
