import type { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeysService, hashKey } from './api-keys.service';

/** A repository that knows one key and counts look-ups. */
function fakeRepo(goodKey: string): { repo: Repository<ApiKeyEntity>; lookups: () => number } {
  let n = 0;
  const row = { id: 'k1', mallMspId: 'MallAMSP', scopes: ['notes:read'], keyHash: hashKey(goodKey) };
  const repo = {
    findOne: ({ where }: { where: { keyHash: string } }) => {
      n++;
      return Promise.resolve(where.keyHash === row.keyHash ? row : null);
    },
  } as unknown as Repository<ApiKeyEntity>;
  return { repo, lookups: () => n };
}

describe('ApiKeysService caches', () => {
  // Time stands still: the flood below must not outlast the good key's 5 s time to live on a slow machine.
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('keeps a good key cached through a flood of 12,000 unknown keys (separate, bounded caches)', async () => {
    const { repo, lookups } = fakeRepo('mck_good');
    const keys = new ApiKeysService(repo, Object.assign(new AppConfig(), { mallMspId: 'MallAMSP' }));
    expect(await keys.authenticate('mck_good')).toMatchObject({ keyId: 'k1' });
    for (let i = 0; i < 12_000; i++) expect(await keys.authenticate(`mck_bad_${i}`)).toBeUndefined();
    const before = lookups();
    expect(await keys.authenticate('mck_good')).toMatchObject({ keyId: 'k1' });
    expect(keys.cached('mck_good')).toMatchObject({ keyId: 'k1' });
    expect(lookups()).toBe(before);
  });

  it('asks the database once for a repeated unknown key', async () => {
    const { repo, lookups } = fakeRepo('mck_good');
    const keys = new ApiKeysService(repo, Object.assign(new AppConfig(), { mallMspId: 'MallAMSP' }));
    for (let i = 0; i < 50; i++) await keys.authenticate('mck_unknown');
    expect(lookups()).toBe(1);
  });
});
