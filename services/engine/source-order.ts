/**
 * Where a change stands in its source's history, as `<scope>|<key>`: the keys of one scope
 * compare as strings, a greater key being a later change. Log-based sources give every change
 * one, built from their log (PostgreSQL: the transaction's commit LSN and the change's place in
 * it; MariaDB/MySQL: the transaction's GTID sequence number within its domain or server uuid,
 * and the change's place in it). A reader that resumes from an older position publishes the
 * same changes again with the same order, which is how the merge tells them from new changes.
 */

/** A source order from its scope and fixed-width parts (`'pg'`, [lsnHex, index]). */
export function sourceOrder(scope: string, ...parts: readonly string[]): string {
  return `${scope}|${parts.join('.')}`;
}

/** `value` as `width` digits of `radix` (zero-padded), for keys that compare as strings. */
export function fixedWidth(value: bigint | number, width: number, radix = 10): string {
  return value.toString(radix).toUpperCase().padStart(width, '0');
}

const scopeOf = (order: string) => order.slice(0, order.indexOf('|'));

/**
 * Negative, 0 or positive as `a` is before, the same as, or after `b`; null when they cannot be
 * compared (different scopes, e.g. a MariaDB GTID domain that changed, or not an order at all).
 */
export function compareSourceOrder(a: string, b: string): number | null {
  if (!a.includes('|') || !b.includes('|') || scopeOf(a) !== scopeOf(b)) return null;
  return a < b ? -1 : a > b ? 1 : 0;
}
