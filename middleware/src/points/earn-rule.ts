/** How a program turns an amount paid into points, when the POS sends no `score`. */
export interface EarnRule {
  /** Points per yuan as a decimal string with at most 4 decimals (`"1"`, `"0.5"`). */
  readonly pointsPerYuan: string;
  /** How a fractional result becomes whole points; `round` is half up. */
  readonly rounding: 'floor' | 'round' | 'ceil';
  /** Per merchant category, a multiplier as a decimal string with at most 2 decimals; absent = 1. */
  readonly categoryMultipliers: Readonly<Record<string, string>>;
  /** Payment classes (`payCls`) that earn nothing: points and coupons paid with are not earned on. */
  readonly excludedPayCls: readonly string[];
}

export interface EarnInput {
  readonly realAmtFen: number;
  readonly category: string;
  readonly payments: readonly { readonly payCls: string; readonly totalFen: number }[];
}

export const RATE_PATTERN = /^(0|[1-9]\d{0,5})(\.\d{1,4})?$/;
export const MULTIPLIER_PATTERN = /^(0|[1-9]\d{0,2})(\.\d{1,2})?$/;

/** A decimal string as an integer scaled by 10^places (`"1.5"`, 2 → 150n). */
function scaled(text: string, places: number): bigint {
  const [whole = '0', frac = ''] = text.split('.');
  return BigInt(whole) * 10n ** BigInt(places) + BigInt(frac.padEnd(places, '0') || '0');
}

/** The amount that earns: what was paid minus payments of excluded classes, never below zero. */
export function eligibleFen(input: EarnInput, rule: EarnRule): number {
  const excluded = new Set(rule.excludedPayCls.map((c) => c.toLowerCase()));
  const off = input.payments.filter((p) => excluded.has(p.payCls.toLowerCase())).reduce((s, p) => s + p.totalFen, 0);
  return Math.max(0, input.realAmtFen - off);
}

/**
 * Points earned by a receipt under `rule`: eligible fen × points per yuan × category multiplier, rounded as the
 * rule says. Exact (integer arithmetic, no floating point), pure.
 */
export function earnedPoints(input: EarnInput, rule: EarnRule): number {
  const fen = BigInt(eligibleFen(input, rule));
  const rate = scaled(rule.pointsPerYuan, 4);
  const multiplier = scaled(rule.categoryMultipliers[input.category] ?? '1', 2);
  const numerator = fen * rate * multiplier;
  const denominator = 100n * 10_000n * 100n; // fen per yuan, rate scale, multiplier scale
  const q = numerator / denominator;
  const r = numerator % denominator;
  if (r === 0n || rule.rounding === 'floor') return Number(q);
  if (rule.rounding === 'ceil') return Number(q + 1n);
  return Number(2n * r >= denominator ? q + 1n : q);
}
