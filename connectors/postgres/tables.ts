import type pg from 'pg';
import type { ObjectType } from '../../services/engine/types.ts';
import { buildModel, type ColumnInfo, type TableModel } from './model.ts';
import type { PostgresConfig } from './spec.ts';
import { objectDescriptor, objectNames } from '../../services/objects/index.ts';
import { orderByAssociations } from './object-order.ts';

interface ColumnRow {
  table: string;
  name: string;
  type_oid: string;
  type: string;
  cast_type: string;
  category: string;
  not_null: string;
  has_default: string;
  primary: string;
}

const columnsSql = `
SELECT c.relname AS table, a.attname AS name, a.atttypid AS type_oid,
       format_type(a.atttypid, a.atttypmod) AS type,
       format('%I.%I', tn.nspname, t.typname) AS cast_type, t.typcategory AS category,
       a.attnotnull AS not_null,
       (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default,
       coalesce(a.attnum = ANY (i.indkey), false) AS primary
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_namespace tn ON tn.oid = t.typnamespace
  LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
 WHERE n.nspname = $1 AND c.relname = ANY ($2::text[]) AND c.relkind IN ('r', 'p')
 ORDER BY c.relname, a.attnum`;

/**
 * The configured objects: the descriptors' order (services/objects), with association targets
 * moved before the objects referencing them (see object-order.ts).
 */
export function configuredObjects(config: PostgresConfig): ObjectType[] {
  const names = objectNames().filter((o) => config.objects[o] !== undefined);
  return orderByAssociations(names, (o) => objectDescriptor(o).associations.map((a) => a.to));
}

/**
 * The model of every configured object, from pg_catalog (the pool returns text: booleans are
 * `t`/`f`). Throws a config error for a missing table or a mapping that does not fit it.
 */
export async function loadModels(
  db: pg.Pool | pg.PoolClient,
  config: PostgresConfig,
): Promise<Map<ObjectType, TableModel>> {
  const objects = configuredObjects(config);
  const tables = objects.map((o) => config.objects[o]?.table ?? '');
  const { rows } = await db.query<ColumnRow>(columnsSql, [config.schema, tables]);
  const byTable = new Map<string, ColumnInfo[]>();
  for (const r of rows) {
    const list = byTable.get(r.table) ?? [];
    list.push({
      name: r.name,
      typeOid: Number(r.type_oid),
      type: r.type,
      castType: r.cast_type,
      category: r.category,
      notNull: r.not_null === 't',
      hasDefault: r.has_default === 't',
      primary: r.primary === 't',
    });
    byTable.set(r.table, list);
  }
  const models = new Map<ObjectType, TableModel>();
  for (const object of objects) {
    const objectConfig = config.objects[object];
    if (!objectConfig) continue;
    const columns = byTable.get(objectConfig.table) ?? [];
    models.set(object, buildModel(object, objectConfig, config.schema, columns));
  }
  return models;
}
