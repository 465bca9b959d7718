import type pg from 'pg';
import type { ColumnInfo, TableModel } from './model.ts';
import { quoteIdent } from './names.ts';

/**
 * The statements a run of commands becomes. Every value is bound as text inside a text[] per
 * column and unnested into rows; PostgreSQL casts it to the column's type (and applies the
 * column's length or precision on assignment), so one statement carries a whole run whatever
 * its size.
 */
function textArrays(count: number, offset = 1): string {
  return Array.from({ length: count }, (_, i) => `$${i + offset}::text[]`).join(', ');
}

function columnValues(rows: readonly (readonly (string | null)[])[], width: number) {
  return Array.from({ length: width }, (_, c) => rows.map((r) => r[c] ?? null));
}

/** UPDATE of many records (each row: record id, then one value per column). */
export function updateQuery(
  model: TableModel,
  columns: readonly ColumnInfo[],
  rows: readonly { readonly id: string; readonly values: readonly (string | null)[] }[],
): pg.QueryConfig {
  const sets = columns.map((c, i) => `${quoteIdent(c.name)} = v.c${i}::${c.castType}`).join(', ');
  const names = ['k', ...columns.map((_, i) => `c${i}`)].join(', ');
  const key = quoteIdent(model.key.name);
  return {
    text:
      `UPDATE ${model.target} AS t SET ${sets} ` +
      `FROM unnest(${textArrays(columns.length + 1)}) AS v(${names}) ` +
      `WHERE t.${key} = v.k::${model.key.castType} RETURNING v.k AS id`,
    values: [
      rows.map((r) => r.id),
      ...columnValues(
        rows.map((r) => r.values),
        columns.length,
      ),
    ],
  };
}

/** INSERT of many records, returning their ids in the order of `rows`. */
export function insertQuery(
  model: TableModel,
  columns: readonly ColumnInfo[],
  rows: readonly (readonly (string | null)[])[],
): pg.QueryConfig {
  const key = quoteIdent(model.key.name);
  if (columns.length === 0) {
    return { text: `INSERT INTO ${model.target} DEFAULT VALUES RETURNING ${key} AS id` };
  }
  const list = columns.map((c) => quoteIdent(c.name)).join(', ');
  const casts = columns.map((c, i) => `v.c${i}::${c.castType}`).join(', ');
  const names = [...columns.map((_, i) => `c${i}`), 'n'].join(', ');
  return {
    text:
      `INSERT INTO ${model.target} (${list}) SELECT ${casts} ` +
      `FROM unnest(${textArrays(columns.length)}) WITH ORDINALITY AS v(${names}) ` +
      `ORDER BY v.n RETURNING ${key} AS id`,
    values: columnValues(rows, columns.length),
  };
}

export function deleteQuery(model: TableModel, ids: readonly string[]): pg.QueryConfig {
  return {
    text: `DELETE FROM ${model.target} WHERE ${quoteIdent(model.key.name)} = ANY ($1::${model.key.castType}[])`,
    values: [ids],
  };
}

/** Existing records whose match column equals one of `keys` (lower-cased, trimmed), lowest id first. */
export function matchQuery(
  model: TableModel,
  column: ColumnInfo,
  keys: readonly string[],
): pg.QueryConfig {
  const normalised = `lower(btrim(${quoteIdent(column.name)}::text))`;
  const key = quoteIdent(model.key.name);
  return {
    text:
      `SELECT ${key} AS id, ${normalised} AS key FROM ${model.target} ` +
      `WHERE ${normalised} = ANY ($1::text[]) ORDER BY ${key}`,
    values: [keys],
  };
}
