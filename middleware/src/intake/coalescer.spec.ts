import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  it('writes the values handed in together with one call, and later ones with the next', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const c = new Coalescer<number>(
      async (values) => {
        writes.push([...values]);
        if (writes.length === 1) await gate;
        return values.map(() => true);
      },
      (v) => new Error(`refused ${v}`),
    );
    const first = [c.add(1), c.add(2), c.add(3)];
    await new Promise((r) => setImmediate(r));
    const later = [c.add(4), c.add(5)];
    release();
    await Promise.all([...first, ...later]);
    expect(writes).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('rejects the values the write did not store, and every value of a failed write', async () => {
    const c = new Coalescer<number>(
      (values) => Promise.resolve(values.map((v) => v % 2 === 0)),
      (v) => new Error(`refused ${v}`),
    );
    const results = await Promise.allSettled([c.add(1), c.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('refused 1'));

    let down = true;
    const flaky = new Coalescer<number>(
      (values) => (down ? Promise.reject(new Error('database down')) : Promise.resolve(values.map(() => true))),
      () => new Error('x'),
    );
    const failed = await Promise.allSettled([flaky.add(1), flaky.add(2)]);
    expect(failed.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual([
      'database down',
      'database down',
    ]);
    // The same coalescer writes again once the database is back (not stuck after a failure).
    down = false;
    await expect(flaky.add(7)).resolves.toBeUndefined();
  });
});
