import type { Pool } from 'mysql2/promise';
import type { ObjectType } from '../../services/engine/types.ts';
import { findObject, objectNames } from '../../services/objects/index.ts';
import { configError } from '../sdk/errors.ts';
import { marks } from './sql.ts';
import type { MysqlConfig, ObjectConfig } from './spec.ts';
import { buildTableModel, columnOf, type ColumnRow, type TableModel } from './table-model.ts';

/**
 * Every object type, association targets before the objects that reference them (companies
 * before contacts, contacts before deals), otherwise in the registry's order: a snapshot then
 * delivers a record's associated records before it, so the engine rarely holds an association
 * to a record it has not seen yet. A cycle among descriptors is broken where it is met.
 */
export function objectOrder(names: readonly ObjectType[] = objectNames()): ObjectType[] {
  const order: ObjectType[] = [];
  const visiting = new Set<ObjectType>();
  const known = new Set(names);
  const visit = (name: ObjectType): void => {
    if (order.includes(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const a of findObject(name)?.associations ?? []) {
      if (known.has(a.to)) visit(a.to);
    }
    visiting.delete(name);
    order.push(name);
  };
  for (const name of names) visit(name);
  return order;
}

/** The configured objects, association targets first (`objectOrder`). */
export function configuredObjects(config: MysqlConfig): [ObjectType, ObjectConfig][] {
  return objectOrder().flatMap((object) => {
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
