import { hmacHex, signatureMatches, TIMESTAMP_WINDOW_MS, timestampProblem } from './signed-request';

describe('signed partner requests', () => {
  const now = 1_772_345_109_000;

  it('accepts a timestamp exactly 5 minutes off either way and refuses 1 ms past it', () => {
    expect(timestampProblem(now - TIMESTAMP_WINDOW_MS, now)).toBeUndefined();
    expect(timestampProblem(now + TIMESTAMP_WINDOW_MS, now)).toBeUndefined();
    expect(timestampProblem(now - TIMESTAMP_WINDOW_MS - 1, now)).toContain('old');
    expect(timestampProblem(now + TIMESTAMP_WINDOW_MS + 1, now)).toContain('in the future');
    expect(timestampProblem(Number.NaN, now)).toContain('milliseconds');
    expect(timestampProblem(-5, now)).toContain('milliseconds');
  });

  it('compares signatures in full (case-insensitive hex), refusing other lengths and non-hex', () => {
    const sig = hmacHex(Buffer.from('k'), 'text');
    expect(signatureMatches(sig, sig)).toBe(true);
    expect(signatureMatches(sig.toUpperCase(), sig)).toBe(true);
    expect(signatureMatches(sig.slice(0, -2), sig)).toBe(false);
    expect(signatureMatches(`${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`, sig)).toBe(false);
    expect(signatureMatches(`${sig.slice(0, -2)}zz`, sig)).toBe(false);
  });
});
