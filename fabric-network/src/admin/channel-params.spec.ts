import { channelConfig } from './__fixtures__/channel-config';
import { applyBatchParams, validateBatchParams } from './channel-params';

describe('batch parameters', () => {
  it('applies the given fields and keeps the others', () => {
    const c = applyBatchParams(channelConfig(), { batchTimeout: '2s', maxMessageCount: 100 });
    expect(c.channel_group.groups.Orderer?.values.BatchTimeout?.value).toEqual({ timeout: '2s' });
    expect(c.channel_group.groups.Orderer?.values.BatchSize?.value).toEqual({
      max_message_count: 100,
      absolute_max_bytes: 10485760,
      preferred_max_bytes: 2097152,
    });
  });

  it.each([
    [{}, 'give at least one of'],
    [{ batchTimeout: 'soon' }, 'batch timeout soon is not a duration'],
    [{ batchTimeout: '5ms' }, 'batch timeout 5ms must be between 10ms and 60s'],
    [{ batchTimeout: '2m' }, 'batch timeout 2m must be between 10ms and 60s'],
    [{ maxMessageCount: 0 }, 'max message count must be an integer between 1 and 100000 (got 0)'],
    [{ maxMessageCount: 1.5 }, 'max message count must be an integer'],
  ])('refuses %j', (params, message) => {
    expect(() => {
      validateBatchParams(params);
    }).toThrow(message);
  });

  it('refuses preferred max bytes above absolute max bytes', () => {
    expect(() => applyBatchParams(channelConfig(), { preferredMaxBytes: 20 * 1024 * 1024 })).toThrow(
      'preferred max bytes 20971520 exceeds absolute max bytes 10485760',
    );
  });
});
