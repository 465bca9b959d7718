import type { Pool } from 'mysql2/promise';
import type { ObjectType } from '../../services/engine/types.ts';
import { configError } from '../sdk/errors.ts';
import { marks } from './sql.ts';
import type { MysqlConfig, ObjectConfig } from './spec.ts';
import { buildTableModel, columnOf, type ColumnRow, type TableModel } from './table-model.ts';

/** The configured objects, in a stable order. */
export function configuredObjects(config: MysqlConfig): [ObjectType, ObjectConfig][] {
  const order: ObjectType[] = ['companies', 'contacts', 'deals'];
  return order.flatMap((object) => {
    const o = config.objects[object];
    return o ? [[object, o] as [ObjectType, ObjectConfig]] : [];
  });
}

/** Reads information_schema and builds the model of every configured object's table. */
export async function loadModels(
  pool: Pool,
  config: MysqlConfig,
): Promise<ReadonlyMap<ObjectType, TableModel>> {
  const objects = configuredObjects(config);
  if (objects.length === 0) {
    throw configError('TANDEM_E_MYSQL_OBJECTS', 'the config lists no objects');
  }
  const tables = [...new Set(objects.map(([, o]) => o.table))];
  const [rows] = await pool.query(
    `SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_KEY, EXTRA,
            COLLATION_NAME
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (${marks(tables.length)})
      ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [config.database, ...tables],
  );
  const byTable = new Map<string, ColumnRow[]>();
  for (const row of rows as (ColumnRow & { TABLE_NAME: string })[]) {
    byTable.set(row.TABLE_NAME, [...(byTable.get(row.TABLE_NAME) ?? []), row]);
  }
  const models = new Map<ObjectType, TableModel>();
  for (const [object, o] of objects) {
    models.set(object, buildTableModel(object, o, (byTable.get(o.table) ?? []).map(columnOf)));
  }
  return models;
}
