import { instant } from './validate';

describe('instant', () => {
  it.each([
    ['2026-01-31T12:00:00Z', Date.UTC(2026, 0, 31, 12)],
    ['2026-01-31T12:00:00.5Z', Date.UTC(2026, 0, 31, 12, 0, 0, 500)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
  ])('reads %s', (value, ms) => {
    expect(instant({ at: value }, 'at')).toBe(ms);
  });

  it.each([
    ['a 30th of February', '2026-02-30T00:00:00Z'],
    ['a 29th of February outside a leap year', '2026-02-29T00:00:00Z'],
    ['hour 24', '2026-03-01T24:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['a leap second', '2026-03-01T23:59:60Z'],
  ])('refuses %s', (_label, value) => {
    expect(() => instant({ at: value }, 'at')).toThrow('INPUT_INVALID: at: is not a valid date');
  });
});
