import pg from 'pg';
import { groupTableColumns, type CatalogColumnRow } from '../sdk/table-objects.ts';
import type { TableInfo } from '../sdk/types.ts';
import { clientConfig, textTypes } from './connection.ts';
import type { PostgresConfig } from './spec.ts';

/** Ordinary, partitioned and foreign tables and views of one schema, columns in their order. */
const tablesSql = `
SELECT c.relname AS "table", a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
 ORDER BY c.relname, a.attnum`;

/**
 * The tables of the config's schema with their columns, from pg_catalog, over one short-lived
 * client (no pool, no session: the config may name no objects yet). Rows come back as text.
 */
export async function listTables(config: PostgresConfig): Promise<TableInfo[]> {
  const client = new pg.Client({ ...clientConfig(config), types: textTypes });
  client.on('error', () => undefined); // a dropped connection fails the query below instead
  await client.connect();
  try {
    const { rows } = await client.query<Omit<CatalogColumnRow, 'nullable'> & { nullable: string }>(
      tablesSql,
      [config.schema],
    );
    return groupTableColumns(rows.map((r) => ({ ...r, nullable: r.nullable === 't' })));
  } finally {
    await client.end().catch(() => undefined);
  }
}
