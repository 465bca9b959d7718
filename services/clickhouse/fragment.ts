/**
 * A piece of SQL text that is already safe to splice into a statement: made by the `sql` tag,
 * `identifier`, `tuple` or `joinSql`, never from a plain string. The brand keeps hand-built
 * objects (or JSON from the outside) from passing as fragments.
 */
const brand: unique symbol = Symbol('tandem.clickhouse.sql');

export interface SqlFragment {
  readonly [brand]: true;
  readonly text: string;
  toString(): string;
}

/** For this folder's modules only; the folder's index does not export it. */
export function trustedFragment(text: string): SqlFragment {
  return Object.freeze({
    [brand]: true as const,
    text,
    toString: () => text,
  });
}

export function isSqlFragment(value: unknown): value is SqlFragment {
  return (
    typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true
  );
}
