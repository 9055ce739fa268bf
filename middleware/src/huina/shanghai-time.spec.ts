import { formatShanghai, parseShanghai } from './shanghai-time';

describe('Asia/Shanghai local times', () => {
  it('reads yyyy-MM-dd HH:mm:ss as UTC+8 and writes it back', () => {
    const ms = parseShanghai('2026-03-01 10:15:00');
    expect(ms).toBe(Date.parse('2026-03-01T02:15:00Z'));
    expect(formatShanghai(ms as number)).toBe('2026-03-01 10:15:00');
    expect(parseShanghai('2026-01-01 00:00:00')).toBe(Date.parse('2025-12-31T16:00:00Z'));
  });

  it.each([
    '2026-02-29 00:00:00',
    '2026-02-30 10:00:00',
    '2026-04-31 10:00:00',
    '2026-13-01 10:00:00',
    '2026-00-10 10:00:00',
    '2026-03-00 10:00:00',
    '2026-03-01 24:00:00',
    '2026-03-01 10:60:00',
    '2026-03-01 10:00:60',
    '2026-03-01T10:00:00',
    '2026-3-1 10:00:00',
    '2026-03-01 10:00:00Z',
    ' 2026-03-01 10:00:00',
  ])('refuses %s', (text) => {
    expect(parseShanghai(text)).toBeUndefined();
  });

  it('takes a leap day of a leap year', () => {
    expect(formatShanghai(parseShanghai('2028-02-29 23:59:59') as number)).toBe('2028-02-29 23:59:59');
  });
});
