/**
 * PostgreSQL log sequence numbers: `X/Y`, two hexadecimal 32-bit halves. Compared and shifted as
 * bigints; written the way the server writes them (uppercase, no padding).
 */
const pattern = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

export function isLsn(text: string): boolean {
  return pattern.test(text);
}

export function parseLsn(text: string): bigint {
  const m = pattern.exec(text);
  if (!m?.[1] || !m[2]) throw new RangeError(`not an LSN: ${JSON.stringify(text)}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(value: bigint): string {
  if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`LSN out of range: ${value}`);
  const hi = (value >> 32n).toString(16).toUpperCase();
  const lo = (value & 0xffffffffn).toString(16).toUpperCase();
  return `${hi}/${lo}`;
}

/** The server's spelling of an LSN (`00000000/016B3748` → `0/16B3748`). */
export function normalizeLsn(text: string): string {
  return formatLsn(parseLsn(text));
}

export function compareLsn(a: string, b: string): number {
  const x = parseLsn(a);
  const y = parseLsn(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * What to hand pg-logical-replication's `acknowledge(lsn)` so the server records `lsn` itself as
 * flushed: the library reports "last byte received + 1", i.e. adds one to what it is given.
 */
export function acknowledgeArgument(lsn: string): string | null {
  const value = parseLsn(lsn);
  return value === 0n ? null : formatLsn(value - 1n);
}
