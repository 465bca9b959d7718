/**
 * Exact comparison of decimal strings ("12500.50", "-3", "1e3") without floats: each number is
 * normalised to a sign, its significant digits and a decimal exponent (value = 0.DIGITS × 10^E),
 * then compared by sign, exponent and digits. No arithmetic, so no precision loss and no cost
 * for huge exponents.
 */
interface Decimal {
  /** -1, 0 or 1. */
  readonly sign: number;
  /** Significant digits, no leading or trailing zeros; empty for zero. */
  readonly digits: string;
  readonly exponent: bigint;
}

const DECIMAL = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;

/** The decimal a string holds (surrounding spaces allowed), or null if it is not one. */
export function parseDecimal(text: string): Decimal | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, sign = '', int = '', frac = '', exp = '0'] = match;
  if (int === '' && frac === '') return null;
  const all = int + frac;
  const significant = all.replace(/^0+/, '');
  if (significant === '') return { sign: 0, digits: '', exponent: 0n };
  const leadingZeros = all.length - significant.length;
  return {
    sign: sign === '-' ? -1 : 1,
    digits: significant.replace(/0+$/, ''),
    exponent: BigInt(int.length - leadingZeros) + BigInt(exp),
  };
}

function compareMagnitude(x: Decimal, y: Decimal): number {
  if (x.exponent !== y.exponent) return x.exponent > y.exponent ? 1 : -1;
  // Same exponent: digit strings compare as 0.DIGITS does ("12" < "123", "19" < "2").
  return x.digits === y.digits ? 0 : x.digits < y.digits ? -1 : 1;
}

export function compareDecimals(x: Decimal, y: Decimal): number {
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1;
  if (x.sign === 0) return 0;
  const magnitude = compareMagnitude(x, y);
  // Equal magnitudes answer 0, never -0 (a negative sign times 0).
  return magnitude === 0 ? 0 : x.sign * magnitude;
}
