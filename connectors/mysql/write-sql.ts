import type { MatchRule } from '../../services/objects/index.ts';
import type { ServerInfo } from './pool.ts';
import { ident, marks, tableRef } from './sql.ts';
import type { Column, TableModel } from './table-model.ts';

/**
 * The statements of a write batch. Each is built for a run of rows with the same columns, so a
 * batch of 500 costs a handful of round trips.
 */
export const commandsTable = '_tandem_commands';

/** The index pruning finds old ledger rows by. */
export const commandsAtIndex = 'tandem_commands_at';

/**
 * The command ledger: a row per command applied (create, update, delete), written in the
 * transaction of its effect, so a redelivered command is answered from it and changes nothing.
 * `at` orders rows for pruning (see `ledger.ts`).
 */
export function createCommandsTableSql(database: string): string {
  return `CREATE TABLE IF NOT EXISTS ${tableRef(database, commandsTable)} (
  command_id varchar(191) NOT NULL PRIMARY KEY,
  record_id varchar(191) NOT NULL,
  at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY ${ident(commandsAtIndex)} (at)
)`;
}

/** Whether the ledger has its `at` column and an index led by it (parameters: database twice). */
export function ledgerShapeSql(): string {
  const where = `TABLE_SCHEMA = ? AND TABLE_NAME = '${commandsTable}' AND COLUMN_NAME = 'at'`;
  return `SELECT (SELECT COUNT(*) FROM information_schema.COLUMNS WHERE ${where}) AS hasAt, (SELECT COUNT(*) FROM information_schema.STATISTICS WHERE ${where} AND SEQ_IN_INDEX = 1) AS hasIndex`;
}

/** The ALTER that brings a ledger made by an older version to today's shape (null: none needed). */
export function upgradeLedgerSql(
  database: string,
  shape: { readonly hasAt: boolean; readonly hasIndex: boolean },
): string | null {
  const changes = [
    ...(shape.hasAt ? [] : ['ADD COLUMN at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP']),
    ...(shape.hasIndex ? [] : [`ADD INDEX ${ident(commandsAtIndex)} (at)`]),
  ];
  if (changes.length === 0) return null;
  return `ALTER TABLE ${tableRef(database, commandsTable)} ${changes.join(', ')}`;
}

/** Deletes at most `limit` ledger rows older than `days` days, through the index on `at`. */
export function pruneCommandsSql(database: string, days: number, limit: number): string {
  return `DELETE FROM ${tableRef(database, commandsTable)} WHERE at < CURRENT_TIMESTAMP - INTERVAL ${Math.trunc(days)} DAY LIMIT ${Math.trunc(limit)}`;
}

export function lookupCommandsSql(database: string, n: number): string {
  return `SELECT command_id, record_id FROM ${tableRef(database, commandsTable)} WHERE command_id IN (${marks(n)})`;
}

export function recordCommandsSql(database: string, n: number): string {
  const rows = Array.from({ length: n }, () => '(?, ?)').join(', ');
  return `INSERT INTO ${tableRef(database, commandsTable)} (command_id, record_id) VALUES ${rows} ON DUPLICATE KEY UPDATE record_id = record_id`;
}

/** MySQL/MariaDB regular-expression class of every whitespace character (Unicode-aware). */
const space = "'[[:space:]]+'";

/**
 * The collation the match prefilters compare in: case- and accent-insensitive, of the newest
 * Unicode version the server knows (MariaDB 10.10+: UCA 14; MySQL 8: UCA 9; else UCA 5.2), so
 * that it equates as many of the case pairs JavaScript's `toLowerCase` knows as it can.
 */
export function matchCollation(server: Pick<ServerInfo, 'flavor' | 'version'>): string {
  const [major = 0, minor = 0] = (/^(\d+)\.(\d+)/.exec(server.version) ?? []).slice(1).map(Number);
  if (server.flavor === 'mariadb' && (major > 10 || (major === 10 && minor >= 10))) {
    return 'utf8mb4_uca1400_ai_ci';
  }
  if (server.flavor === 'mysql' && major >= 8) return 'utf8mb4_0900_ai_ci';
  return 'utf8mb4_unicode_520_ci';
}

/**
 * An expression compared as text without case or accents, whatever the column's character set
 * and collation: the prefilters below find a superset of the matching rows with it.
 */
function folded(expr: string, collation: string): string {
  return `CONVERT(${expr} USING utf8mb4) COLLATE ${collation}`;
}

/** `value` as a LIKE pattern that finds it anywhere (`!` escapes). */
export function containsPattern(value: string): string {
  return `%${value.replace(/[!%_]/g, '!$&')}%`;
}

/**
 * The SQL prefilter of a match rule's normalisation, for n normalised values: the condition on
 * `column` every row whose value normalises to one of them meets, and the parameters. It may
 * let through rows that do not match (the caller confirms each in JS with the same normaliser,
 * `storedMatchKey`); it misses a matching row only where MariaDB/MySQL and JavaScript disagree on
 * a character (README, "Matching creates"):
 *
 * - `email`: whitespace removed and lowercased, equal to a value;
 * - `text` (SKUs): whitespace runs made one space, trimmed, lowercased, equal to a value;
 * - `domain`: the lowercased value contains the host;
 * - `company-name`: the value with `&` spelled `and` and everything but letters and digits
 *   removed contains the name's words run together (`Société Générale S.A.` →
 *   `societegenerale`); accents are ignored by the comparison's collation, and legal suffixes
 *   are left to the confirmation.
 *
 * Every comparison is case- and accent-insensitive (`folded`, in `collation`: `matchCollation`),
 * which only widens the superset.
 */
export function matchPrefilter(
  rule: Pick<MatchRule, 'normalize'>,
  column: Column,
  values: readonly string[],
  collation: string,
): { readonly where: string; readonly params: string[] } {
  const c = ident(column.name);
  const anyOf = (expr: string) => ({
    where: `${folded(expr, collation)} IN (${marks(values.length)})`,
    params: [...values],
  });
  const containsAny = (expr: string, patterns: string[]) => ({
    where: `(${patterns.map(() => `${folded(expr, collation)} LIKE ? ESCAPE '!'`).join(' OR ')})`,
    params: patterns,
  });
  switch (rule.normalize) {
    case 'email':
      return anyOf(`LOWER(REGEXP_REPLACE(${c}, ${space}, ''))`);
    case 'text':
      return anyOf(`LOWER(TRIM(REGEXP_REPLACE(${c}, ${space}, ' ')))`);
    case 'domain':
      return containsAny(`LOWER(${c})`, values.map(containsPattern));
    case 'company-name':
      return containsAny(
        `LOWER(REGEXP_REPLACE(REPLACE(${c}, '&', 'and'), '[^[:alnum:]]+', ''))`,
        values.map((v) => containsPattern(v.replace(/\s+/gu, ''))),
      );
  }
}

/**
 * The candidates for n normalised match values of one rule (see `matchPrefilter`): each row's
 * id and raw value (`v`), lowest id first, for the caller to confirm.
 */
export function matchSql(
  database: string,
  model: TableModel,
  rule: Pick<MatchRule, 'normalize'>,
  column: Column,
  values: readonly string[],
  collation: string,
): { readonly sql: string; readonly params: string[] } {
  const pk = ident(model.pk.name);
  const { where, params } = matchPrefilter(rule, column, values, collation);
  const sql = `SELECT ${pk} AS id, ${ident(column.name)} AS v FROM ${tableRef(database, model.table)} WHERE ${where} ORDER BY ${pk}`;
  return { sql, params };
}

/** Which of n record ids exist, locking them for the updates that follow. */
export function existingSql(database: string, model: TableModel, n: number): string {
  const pk = ident(model.pk.name);
  return `SELECT ${pk} AS id FROM ${tableRef(database, model.table)} WHERE ${pk} IN (${marks(n)}) FOR UPDATE`;
}

/**
 * The whole rows of n record ids (every column, as a snapshot page reads them), locking them for
 * the updates that follow: what conditional updates compare with.
 */
export function currentRowsSql(database: string, model: TableModel, n: number): string {
  const columns = model.columns.map((c) => ident(c.name)).join(', ');
  const pk = ident(model.pk.name);
  return `SELECT ${columns} FROM ${tableRef(database, model.table)} WHERE ${pk} IN (${marks(n)}) FOR UPDATE`;
}

/** A multi-row INSERT; with `returning`, MariaDB's RETURNING gives each row's key in order. */
export function insertSql(
  tag: string,
  database: string,
  model: TableModel,
  columns: readonly string[],
  rows: number,
  returning: boolean,
): string {
  const row = `(${marks(columns.length)})`;
  const values = Array.from({ length: rows }, () => row).join(', ');
  const names = columns.map(ident).join(', ');
  const tail = returning ? ` RETURNING ${ident(model.pk.name)}` : '';
  return `${tag}INSERT INTO ${tableRef(database, model.table)} (${names}) VALUES ${values}${tail}`;
}

/**
 * An UPDATE of n rows by key: `SET c = CASE pk WHEN ? THEN ? … END` per column. Parameters per
 * column are (key, value) pairs, then the n keys of the WHERE.
 */
export function updateSql(
  tag: string,
  database: string,
  model: TableModel,
  columns: readonly string[],
  rows: number,
): string {
  const pk = ident(model.pk.name);
  if (rows === 1) {
    const set = columns.map((c) => `${ident(c)} = ?`).join(', ');
    return `${tag}UPDATE ${tableRef(database, model.table)} SET ${set} WHERE ${pk} = ?`;
  }
  const whens = Array.from({ length: rows }, () => 'WHEN ? THEN ?').join(' ');
  const set = columns.map((c) => `${ident(c)} = CASE ${pk} ${whens} END`).join(', ');
  return `${tag}UPDATE ${tableRef(database, model.table)} SET ${set} WHERE ${pk} IN (${marks(rows)})`;
}

export function updateParams<P>(
  rows: readonly { readonly key: P; readonly values: readonly P[] }[],
  columns: number,
): P[] {
  const [only] = rows;
  if (rows.length === 1 && only) return [...only.values, only.key];
  const params: P[] = [];
  for (let c = 0; c < columns; c++) {
    for (const r of rows) params.push(r.key, r.values[c] as P);
  }
  for (const r of rows) params.push(r.key);
  return params;
}

export function deleteSql(tag: string, database: string, model: TableModel, n: number): string {
  const pk = ident(model.pk.name);
  return `${tag}DELETE FROM ${tableRef(database, model.table)} WHERE ${pk} IN (${marks(n)})`;
}
