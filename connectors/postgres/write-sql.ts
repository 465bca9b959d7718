import type pg from 'pg';
import type { NormalizerName } from '../../services/objects/index.ts';
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

/** `value` as a LIKE pattern matching itself only (the default escape is the backslash). */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/gu, (c) => `\\${c}`);
}

/** A normalised company name's ASCII letters and digits: what the SQL fold below keeps. */
export function compactName(value: string): string {
  return value.replace(/[^a-z0-9]/gu, '');
}

/** A prefilter: `<expression> <operator> ANY ($1::text[])`, `$1` being `params(values)`. */
export interface MatchFilter {
  readonly expression: string;
  readonly operator: '=' | 'LIKE';
  readonly params: (values: readonly string[]) => string[];
}

/**
 * The SQL prefilter of a match rule's normalisation over `column` (quoted SQL text): a condition
 * on `$1` (a text[] built from the normalised values by `params`) that every row whose value
 * normalises to one of them meets, and few others do. The caller confirms each candidate with
 * the same normaliser in JS, so a loose prefilter costs only rows read.
 *
 * - email: lower-cased, every whitespace removed, equal to the key (the normalisation itself).
 * - text (SKUs): whitespace runs made one space, trimmed, lower-cased, equal to the key.
 * - domain: the lower-cased value contains the host (`https://www.Acme.com/x` contains acme.com).
 * - company-name: the value decomposed (NFKD), `&` spelt `and`, lower-cased and reduced to its
 *   ASCII letters and digits starts with the key so reduced ("Société Générale S.A." gives
 *   `societegeneralesa`, which starts with `societegenerale`); legal suffixes only ever leave
 *   the end of a name. A name without ASCII letters or digits prefilters nothing (every row is
 *   confirmed in JS).
 *
 * What it can miss, all from PostgreSQL and JavaScript disagreeing on Unicode: whitespace that
 * PostgreSQL's `\s` does not know in the database's locale (a no-break space in an email or SKU
 * under the C locale), letters PostgreSQL's `lower` does not lower-case (non-ASCII letters under
 * the C locale in emails, SKUs and domains), and company names in a database whose encoding is
 * not UTF8 (`normalize` refuses to run there, so the match query fails).
 */
export function matchFilter(normalize: NormalizerName, column: string): MatchFilter {
  switch (normalize) {
    case 'email':
      return {
        expression: `lower(regexp_replace(${column}::text, '\\s', '', 'g'))`,
        operator: '=',
        params: (values) => [...values],
      };
    case 'text':
      return {
        expression: `lower(btrim(regexp_replace(${column}::text, '\\s+', ' ', 'g')))`,
        operator: '=',
        params: (values) => [...values],
      };
    case 'domain':
      return {
        expression: `lower(${column}::text)`,
        operator: 'LIKE',
        params: (values) => values.map((v) => `%${likeLiteral(v)}%`),
      };
    case 'company-name':
      return {
        expression:
          `regexp_replace(lower(replace(normalize(${column}::text, NFKD), '&', 'and')), ` +
          `'[^a-z0-9]', '', 'g')`,
        operator: 'LIKE',
        params: (values) => values.map((v) => `${compactName(v)}%`),
      };
  }
}

/**
 * Candidate records for creates matched by `rule` on `column`: rows passing the rule's
 * prefilter ({@link matchFilter}) for the normalised `values`, with the column's text for the
 * caller to normalise and compare; lowest id first, so the oldest of several matches wins.
 */
export function matchQuery(
  model: TableModel,
  column: ColumnInfo,
  normalize: NormalizerName,
  values: readonly string[],
): pg.QueryConfig {
  const name = quoteIdent(column.name);
  const key = quoteIdent(model.key.name);
  const filter = matchFilter(normalize, name);
  return {
    text:
      `SELECT ${key}::text AS id, ${name}::text AS value FROM ${model.target} ` +
      `WHERE ${filter.expression} ${filter.operator} ANY ($1::text[]) ORDER BY ${key}`,
    values: [filter.params(values)],
  };
}
