/** Block cutting parameters of a channel (Orderer group values BatchTimeout and BatchSize). */
import { ChannelConfig } from './config-types';
import { AdminError } from './errors';

export interface BatchParams {
  /** Go duration, e.g. `250ms`, `2s`. */
  readonly batchTimeout?: string;
  readonly maxMessageCount?: number;
  readonly absoluteMaxBytes?: number;
  readonly preferredMaxBytes?: number;
}

interface BatchSize {
  max_message_count: number;
  absolute_max_bytes: number;
  preferred_max_bytes: number;
}

const DURATION = /^(\d+)(ms|s|m)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new AdminError('INVALID_INPUT', `batch timeout ${text} is not a duration such as 250ms, 2s or 1m`);
  return Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
}

function positiveInt(name: string, v: number | undefined, max: number): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < 1 || v > max)
    throw new AdminError('INVALID_INPUT', `${name} must be an integer between 1 and ${max} (got ${v})`);
}

/** Refuses values the orderer would refuse or that would stall the channel; names the field. */
export function validateBatchParams(p: BatchParams): void {
  const given = Object.values(p).filter((v) => v !== undefined).length;
  if (given === 0)
    throw new AdminError(
      'INVALID_INPUT',
      'give at least one of batch timeout, max message count, absolute/preferred max bytes',
    );
  if (p.batchTimeout !== undefined) {
    const ms = durationMs(p.batchTimeout);
    if (ms < 10 || ms > 60_000)
      throw new AdminError('INVALID_INPUT', `batch timeout ${p.batchTimeout} must be between 10ms and 60s`);
  }
  positiveInt('max message count', p.maxMessageCount, 100_000);
  positiveInt('absolute max bytes', p.absoluteMaxBytes, 100 * 1024 * 1024);
  positiveInt('preferred max bytes', p.preferredMaxBytes, 100 * 1024 * 1024);
}

/** Applies the parameters to a config copy; checks preferred ≤ absolute max bytes on the result. */
export function applyBatchParams(config: ChannelConfig, p: BatchParams): ChannelConfig {
  validateBatchParams(p);
  const orderer = config.channel_group.groups.Orderer;
  const timeout = orderer?.values.BatchTimeout;
  const size = orderer?.values.BatchSize;
  if (!timeout || !size) throw new AdminError('NOT_FOUND', 'the channel config has no Orderer BatchTimeout/BatchSize');
  if (p.batchTimeout !== undefined) timeout.value = { timeout: p.batchTimeout };
  const s = { ...(size.value as BatchSize) };
  if (p.maxMessageCount !== undefined) s.max_message_count = p.maxMessageCount;
  if (p.absoluteMaxBytes !== undefined) s.absolute_max_bytes = p.absoluteMaxBytes;
  if (p.preferredMaxBytes !== undefined) s.preferred_max_bytes = p.preferredMaxBytes;
  if (s.preferred_max_bytes > s.absolute_max_bytes)
    throw new AdminError(
      'INVALID_INPUT',
      `preferred max bytes ${s.preferred_max_bytes} exceeds absolute max bytes ${s.absolute_max_bytes}`,
    );
  size.value = s;
  return config;
}
