import { WindowThrottlerStorage } from '../src/app/throttler-storage';

describe('WindowThrottlerStorage', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('lets `limit` hits per key through, blocks the next for blockDuration, other keys unaffected', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const s = new WindowThrottlerStorage();
    const hit = (key: string): Promise<{ isBlocked: boolean; totalHits: number }> =>
      s.increment(key, 60_000, 3, 60_000, 'default');
    expect((await Promise.all([hit('a'), hit('a'), hit('a')])).map((r) => r.isBlocked)).toEqual([false, false, false]);
    const fourth = await s.increment('a', 60_000, 3, 60_000, 'default');
    expect(fourth).toMatchObject({ isBlocked: true, totalHits: 4, timeToBlockExpire: 60 });
    expect((await hit('b')).isBlocked).toBe(false);
    jest.setSystemTime(1_000_000 + 59_000);
    expect((await hit('a')).isBlocked).toBe(true);
    // Block over; the previous window still weighs in (sliding), then fades out.
    jest.setSystemTime(1_000_000 + 61_000);
    expect((await hit('a')).isBlocked).toBe(true);
    jest.setSystemTime(1_000_000 + 240_000);
    expect(await hit('a')).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  // No wall-clock bound (it would flake on a loaded machine): a storage that kept one entry per
  // hit, like the library's default, would need minutes here and hit the test timeout instead.
  it('counts a million hits on one key exactly (a counter, not a list of hits)', async () => {
    const s = new WindowThrottlerStorage();
    let last = { totalHits: 0, isBlocked: false };
    for (let i = 0; i < 1_000_000; i++) last = await s.increment('k', 60_000, 10_000_000, 60_000, 'default');
    expect(last).toMatchObject({ totalHits: 1_000_000, isBlocked: false });
  });
});
