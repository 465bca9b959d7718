/** SQL text helpers: identifiers are quoted here, values always travel as parameters. */

export function ident(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function tableRef(database: string, table: string): string {
  return `${ident(database)}.${ident(table)}`;
}

/** `?, ?, ?` for n values. */
export function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * The comment that starts every statement this connector writes, so its own changes can be told
 * apart in the binlog (MariaDB's ANNOTATE_ROWS events and MySQL's Rows_query events carry it).
 */
export function writeTag(connectionId: string): string {
  return `/* tandem:${connectionId.replace(/[^A-Za-z0-9_.-]/g, '_')} */ `;
}
