import { createHash } from 'node:crypto';

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const maxName = 63;

/**
 * The slot and publication name derived from a connection id: `tandem_<id>`, lowercase letters,
 * digits and underscores only (what slot names allow), shortened with a hash suffix when too long
 * so two long ids never share a name.
 */
export function derivedName(connectionId: string): string {
  const name = `tandem_${connectionId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  if (name.length <= maxName) return name;
  const hash = createHash('sha1').update(connectionId).digest('hex').slice(0, 10);
  return `${name.slice(0, maxName - hash.length - 1)}_${hash}`;
}

/** An identifier quoted for SQL (`my "t"` → `"my ""t"""`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string literal for SQL (`it's` → `'it''s'`), for statements that take no parameters. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A schema-qualified, quoted table name. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
