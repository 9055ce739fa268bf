/**
 * How long a batch of receipts takes to be accepted, and how many SQL statements and transactions it costs, on real
 * Postgres with the intake on the fake ledger. Prints figures; asserts only the outcomes (no timing assertion).
 */
import { Client } from 'pg';
import { type HaideHarness, sale, startHaide } from './haide-support';

describe('Haide accept path: statements and time per batch (real Postgres)', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide();
  });
  afterAll(() => h.t.close());

  it('accepts a batch of 100 and 20 card receipts (half score, half earn rule); prints statements and ms', async () => {
    let statements = 0;
    let commits = 0;
    const proto = Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const original = proto.query;
    proto.query = function (this: unknown, ...a: unknown[]) {
      statements++;
      const text = typeof a[0] === 'string' ? a[0] : ((a[0] as { text?: string } | undefined)?.text ?? '');
      if (/^\s*COMMIT/i.test(text)) commits++;
      return original.apply(this, a);
    };
    for (const n of [100, 20]) {
      const receipts = Array.from({ length: n }, (_, i) => sale(i % 2 === 0 ? { score: 5 } : {}));
      statements = 0;
      commits = 0;
      const t0 = process.hrtime.bigint();
      const res = await h.post('sales', h.envelope({ receipts }));
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      expect(res.statusCode).toBe(200);
      const body = res.json<{ data: { receipts: { status: string }[] } }>();
      expect(body.data.receipts.filter((r) => r.status === 'accepted')).toHaveLength(n);
      process.stdout.write(
        `ACCEPT-TIMING batch ${n}: ${ms.toFixed(1)} ms (${(ms / n).toFixed(2)} ms a receipt), ` +
          `${statements} statements, ${commits} commits\n`,
      );
    }
    proto.query = original;
  });

  it('8 tills pushing batches of 20 at once: prints the wall time of the round against one batch alone', async () => {
    const round = (): Promise<number[]> =>
      Promise.all(
        Array.from({ length: 8 }, async () => {
          const receipts = Array.from({ length: 20 }, (_, i) => sale(i % 2 === 0 ? { score: 5 } : {}));
          const t0 = performance.now();
          const res = await h.post('sales', h.envelope({ receipts }));
          expect(res.statusCode).toBe(200);
          return performance.now() - t0;
        }),
      );
    await round();
    const t0 = performance.now();
    const acks = await round();
    const wall = performance.now() - t0;
    process.stdout.write(
      `ACCEPT-TIMING 8 concurrent batches of 20: round ${wall.toFixed(0)} ms, ` +
        `acks ${acks.map((a) => a.toFixed(0)).join(' ')} ms\n`,
    );
  });
});
