import mysql from 'mysql2/promise';
import { groupTableColumns } from '../sdk/table-objects.ts';
import type { TableInfo } from '../sdk/types.ts';
import { connectionOptions } from './pool.ts';
import type { MysqlConfig } from './spec.ts';

interface ColumnRow {
  readonly TABLE_NAME: string;
  readonly COLUMN_NAME: string;
  readonly COLUMN_TYPE: string;
  readonly IS_NULLABLE: string;
}

/**
 * The tables (and views) of the config's database with their columns, from information_schema,
 * over one short-lived connection (the config may name no objects yet).
 */
export async function listTables(config: MysqlConfig): Promise<TableInfo[]> {
  const db = await mysql.createConnection(connectionOptions(config));
  db.on('error', () => undefined); // a dropped connection fails the query below instead
  try {
    const [rows] = await db.query(
      `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE
         FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ?
        ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [config.database],
    );
    return groupTableColumns(
      (rows as ColumnRow[]).map((r) => ({
        table: r.TABLE_NAME,
        name: r.COLUMN_NAME,
        type: r.COLUMN_TYPE,
        nullable: r.IS_NULLABLE === 'YES',
      })),
    );
  } finally {
    await db.end().catch(() => undefined);
  }
}
