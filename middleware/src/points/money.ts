/** Money on the wire is a decimal string in yuan with at most 2 decimals; inside, integer fen. */
export const YUAN_PATTERN = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;
export const YUAN_RULE = 'must be a decimal string in yuan with at most 2 decimals, such as "128.50"';

/** `"128.5"` → 12850; undefined when the text is not a non-negative yuan amount (no sign, no exponent). */
export function yuanToFen(text: unknown): number | undefined {
  if (typeof text !== 'string' || !YUAN_PATTERN.test(text)) return undefined;
  const [whole = '0', frac = ''] = text.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** 12850 → `"128.50"`. */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
