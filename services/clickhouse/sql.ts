/**
 * Building statements with bound values. Debian's ClickHouse 18.16 has no server-side query
 * parameters, so values are written into the text as literals (see literal.ts for the rules):
 *
 *   sql`SELECT count() FROM ${identifier(db, table)} WHERE status = ${status} AND id IN ${tuple(ids)}`
 *
 * Every `${…}` goes through `literal`, except fragments made by this module, which are spliced
 * as they are. There is no raw-string escape hatch: dynamic SQL is composed from fragments.
 */
import { ClickHouseBindError } from './errors.ts';
import { type SqlFragment, isSqlFragment, trustedFragment } from './fragment.ts';
import { literal, quoteIdentifier } from './literal.ts';

export type { SqlFragment } from './fragment.ts';
export { isSqlFragment } from './fragment.ts';

/**
 * Joins two pieces of SQL, adding a space where the seam would otherwise start a `--` comment
 * (`x -${-1}` must not become `x --1`).
 */
function splice(left: string, right: string): string {
  return left.endsWith('-') && right.startsWith('-') ? `${left} ${right}` : left + right;
}

export function sql(strings: TemplateStringsArray, ...values: readonly unknown[]): SqlFragment {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text = splice(text, literal(value));
    text = splice(text, strings[index + 1] ?? '');
  });
  return trustedFragment(text);
}

/** A quoted name; several parts make a qualified one: identifier('db', 't') → `db`.`t`. */
export function identifier(...parts: readonly string[]): SqlFragment {
  if (parts.length === 0) throw new ClickHouseBindError('Cannot bind an identifier with no parts');
  return trustedFragment(parts.map(quoteIdentifier).join('.'));
}

/**
 * `(a, b, …)` for the right side of IN. A bound array is an Array literal, which IN refuses on
 * 18.16 ("Type mismatch in IN"): use `IN ${tuple(ids)}`, or `has(${ids}, x)` for an array.
 * A one-element tuple is `(a)`, which IN reads as a one-element set. An empty list is refused:
 * `x IN ()` is a syntax error on 18.16, so the caller should skip the query instead.
 */
export function tuple(values: readonly unknown[]): SqlFragment {
  if (values.length === 0) throw new ClickHouseBindError('Cannot bind an empty tuple for IN');
  return trustedFragment(`(${values.map((v) => literal(v)).join(', ')})`);
}

/** Fragments joined by a separator fragment (default `, `), e.g. a list of columns. */
export function joinSql(
  parts: readonly SqlFragment[],
  separator: SqlFragment = trustedFragment(', '),
): SqlFragment {
  for (const part of [...parts, separator]) {
    if (!isSqlFragment(part)) throw new ClickHouseBindError('joinSql takes sql fragments only');
  }
  const text = parts.reduce(
    (acc, part, index) =>
      index === 0 ? part.text : splice(splice(acc, separator.text), part.text),
    '',
  );
  return trustedFragment(text);
}
