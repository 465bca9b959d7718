import type { CatalogField, CatalogObject } from '../../services/engine/sync-model/catalog.ts';
import type { AssociationRef, ObjectType } from '../../services/engine/types.ts';
import { associationKey, findObject, objectNames } from '../../services/objects/index.ts';
import { configError } from '../sdk/errors.ts';
import type { SourceRecord } from '../sdk/types.ts';
import type { ObjectConfig } from './spec.ts';
import { toFieldValue, type ColumnType } from './values.ts';

/** A column as information_schema.COLUMNS describes it. */
export interface Column extends ColumnType {
  readonly name: string;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
  readonly autoIncrement: boolean;
  readonly generated: boolean;
  readonly primary: boolean;
  /** The first column of an index (COLUMN_KEY PRI, UNI or MUL). */
  readonly indexed: boolean;
  /** Compares text without case (a `_ci` collation). */
  readonly caseInsensitive: boolean;
}

/** A row of information_schema.COLUMNS (the columns `loadColumns` selects). */
export interface ColumnRow {
  readonly COLUMN_NAME: string;
  readonly DATA_TYPE: string;
  readonly COLUMN_TYPE: string;
  readonly IS_NULLABLE: string;
  readonly COLUMN_DEFAULT: string | null;
  readonly COLUMN_KEY: string;
  readonly EXTRA: string;
  readonly COLLATION_NAME?: string | null;
}

export function columnOf(row: ColumnRow): Column {
  const extra = row.EXTRA.toLowerCase();
  return {
    name: row.COLUMN_NAME,
    dataType: row.DATA_TYPE.toLowerCase(),
    columnType: row.COLUMN_TYPE.toLowerCase(),
    nullable: row.IS_NULLABLE.toUpperCase() === 'YES',
    hasDefault: row.COLUMN_DEFAULT !== null,
    autoIncrement: extra.includes('auto_increment'),
    generated: /generated|persistent/.test(extra),
    primary: row.COLUMN_KEY.toUpperCase() === 'PRI',
    indexed: row.COLUMN_KEY !== '',
    caseInsensitive: /_ci$/i.test(row.COLLATION_NAME ?? ''),
  };
}

/** A field of the record: its catalog name and the column holding it. */
export interface ModelField {
  readonly name: string;
  readonly column: Column;
}

/**
 * The foreign-key column of one association of the object's descriptor, configured as
 * `fields.<singular>Id` (`companyId`, `contactId`, `dealId`). It holds one id: a read reports it
 * as the primary associated record, a write of `assoc:<to>` sets it to the first id.
 */
export interface AssociationColumn {
  readonly to: ObjectType;
  /** The config key naming the column (`companyId`). */
  readonly key: string;
  readonly column: Column;
}

/** How one object maps onto its table: record id, fields, association columns, catalog. */
export interface TableModel {
  readonly object: ObjectType;
  readonly table: string;
  readonly columns: readonly Column[];
  readonly pk: Column;
  /** The configured association columns, in the descriptor's order of associations. */
  readonly associations: readonly AssociationColumn[];
  /** The record's fields: every column but an auto-increment key and the association columns. */
  readonly fields: readonly ModelField[];
  readonly byName: ReadonlyMap<string, ModelField>;
  readonly catalog: CatalogObject;
}

function fail(object: ObjectType, table: string, what: string) {
  return configError('TANDEM_E_MYSQL_TABLE', `${object} (table ${table}): ${what}`);
}

export function buildTableModel(
  object: ObjectType,
  config: ObjectConfig,
  columns: readonly Column[],
): TableModel {
  const { table } = config;
  if (columns.length === 0) throw fail(object, table, 'no such table in the database');
  const byColumn = new Map(columns.map((c) => [c.name, c]));
  const keys = columns.filter((c) => c.primary);
  const pk = keys[0];
  if (!pk || keys.length !== 1) throw fail(object, table, 'needs a single-column primary key');

  const mapping: Record<string, string> = { ...(config.fields ?? {}) };
  const associations: AssociationColumn[] = [];
  const nameOf = new Map<string, string>();
  for (const a of findObject(object)?.associations ?? []) {
    const key = associationKey(a.to);
    const name = mapping[key];
    if (name === undefined) continue;
    const column = byColumn.get(name);
    if (!column) throw fail(object, table, `no column ${name} (${key})`);
    if (nameOf.has(name)) throw fail(object, table, `column ${name} is mapped twice`);
    nameOf.set(name, key);
    associations.push({ to: a.to, key, column });
  }
  // `<singular>Id` keys are never field names: one naming an association the object does not
  // have (`companyId` of companies) is ignored, as it always was.
  for (const name of objectNames()) delete mapping[associationKey(name)];
  const associated = new Set(associations.map((a) => a.column));

  for (const [canonical, column] of Object.entries(mapping)) {
    if (!byColumn.has(column)) throw fail(object, table, `no column ${column} (${canonical})`);
    if (nameOf.has(column)) throw fail(object, table, `column ${column} is mapped twice`);
    nameOf.set(column, canonical);
  }

  const fields: ModelField[] = [];
  const byName = new Map<string, ModelField>();
  const catalogFields: CatalogField[] = [];
  for (const column of columns) {
    if (associated.has(column) || (column === pk && column.autoIncrement)) continue;
    const canonical = nameOf.get(column.name);
    const name = canonical ?? column.name;
    if (byName.has(name)) throw fail(object, table, `two columns are read as "${name}"`);
    const field = { name, column };
    fields.push(field);
    byName.set(name, field);
    const required =
      !column.nullable && !column.hasDefault && !column.autoIncrement && !column.generated;
    catalogFields.push({
      name,
      type: column.dataType,
      required,
      ...(canonical === undefined ? {} : { canonical }),
    });
  }
  return {
    object,
    table,
    columns,
    pk,
    associations,
    fields,
    byName,
    catalog: { name: object, fields: catalogFields },
  };
}

/** The association column of `to`, when the config names one. */
export function associationColumn(model: TableModel, to: ObjectType): Column | undefined {
  return model.associations.find((a) => a.to === to)?.column;
}

/**
 * A table row (binlog image or SELECT result, keyed by column name) as a source record: one
 * primary association per association column that holds an id.
 */
export function toRecord(
  model: TableModel,
  row: Readonly<Record<string, unknown>>,
  op: SourceRecord['op'],
  sourceTs: number,
): SourceRecord {
  const recordId = toFieldValue(row[model.pk.name], model.pk) ?? '';
  if (op === 'delete') {
    return { object: model.object, recordId, op, fields: {}, associations: [], sourceTs };
  }
  const fields: Record<string, string | null> = {};
  for (const f of model.fields) fields[f.name] = toFieldValue(row[f.column.name], f.column);
  const associations: AssociationRef[] = [];
  for (const a of model.associations) {
    const target = toFieldValue(row[a.column.name], a.column);
    if (target !== null) associations.push({ object: a.to, recordId: target, primary: true });
  }
  return { object: model.object, recordId, op, fields, associations, sourceTs };
}
