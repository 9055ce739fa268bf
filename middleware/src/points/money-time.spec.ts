import fc from 'fast-check';
import { fenToYuan, yuanToFen } from './money';
import { parseShanghaiTime, shanghaiBusinessDate, shanghaiDayRange } from './shanghai-time';

describe('yuan strings', () => {
  it('turns yuan with at most 2 decimals into integer fen and back', () => {
    expect(yuanToFen('128.50')).toBe(12850);
    expect(yuanToFen('128.5')).toBe(12850);
    expect(yuanToFen('0.07')).toBe(7);
    expect(yuanToFen('0')).toBe(0);
    fc.assert(
      fc.property(fc.nat(9_999_999_999), (fen) => {
        expect(yuanToFen(fenToYuan(fen))).toBe(fen);
      }),
    );
  });

  it('refuses 3 decimals, signs, exponents, leading zeros, numbers and empty strings', () => {
    for (const bad of ['1.234', '-1.00', '+1', '1e3', '01.00', '1.', '.5', '', ' 1', 12.5, null])
      expect(yuanToFen(bad)).toBeUndefined();
  });
});

describe('Asia/Shanghai times', () => {
  it('reads yyyy.MM.dd HH:mm:ss as UTC+8 and gives the local business day', () => {
    expect(parseShanghaiTime('2026.03.01 07:59:59')?.toISOString()).toBe('2026-02-28T23:59:59.000Z');
    expect(shanghaiBusinessDate(new Date('2026-02-28T23:59:59Z'))).toBe('2026-03-01');
    expect(shanghaiBusinessDate(new Date('2026-02-28T15:59:59Z'))).toBe('2026-02-28');
    expect(shanghaiDayRange('2026-03-01')).toEqual({
      from: new Date('2026-02-28T16:00:00Z'),
      to: new Date('2026-03-01T16:00:00Z'),
    });
  });

  it('refuses impossible dates and other formats', () => {
    for (const bad of [
      '2026.02.30 10:00:00',
      '2025.02.29 10:00:00',
      '2026.13.01 10:00:00',
      '2026.01.01 24:00:00',
      '2026.01.01 10:60:00',
      '2026-01-01 10:00:00',
      '2026.1.1 10:00:00',
      '2026.01.01T10:00:00',
    ])
      expect(parseShanghaiTime(bad)).toBeUndefined();
    expect(parseShanghaiTime('2024.02.29 00:00:00')).toBeDefined();
    expect(shanghaiDayRange('2026-02-30')).toBeUndefined();
  });
});
