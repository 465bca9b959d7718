import { configError } from '../sdk/errors.ts';
import type { CatalogObject } from '../../services/engine/sync-model/catalog.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import {
  associationKey,
  objectDescriptor,
  objectDescriptors,
} from '../../services/objects/index.ts';
import { qualified, quoteIdent } from './names.ts';
import type { ObjectConfig } from './spec.ts';

/** A column as pg_catalog describes it. */
export interface ColumnInfo {
  readonly name: string;
  readonly typeOid: number;
  /** The declared type, for the catalog (`character varying(80)`). */
  readonly type: string;
  /** The type to cast bound text to, without modifiers (`pg_catalog.varchar`). */
  readonly castType: string;
  /** pg_type.typcategory: `S` for string types. */
  readonly category: string;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
  readonly primary: boolean;
}

/** A column that is a field of the record, under its catalog name. */
export interface FieldColumn {
  readonly name: string;
  readonly column: ColumnInfo;
  readonly canonical?: string;
}

/** The foreign-key column of one association of the object's descriptor (`fields.<singular>Id`). */
export interface AssociationColumn {
  /** The associated object type (`companies`); the column travels as the field `assoc:<to>`. */
  readonly to: ObjectType;
  readonly column: ColumnInfo;
}

/** How one object maps onto its table: record id, association foreign keys, fields. */
export interface TableModel {
  readonly object: ObjectType;
  readonly schema: string;
  readonly table: string;
  /** Quoted `schema.table`. */
  readonly target: string;
  readonly key: ColumnInfo;
  /**
   * The configured foreign-key columns, in the descriptor's association order (a contact's
   * company from `fields.companyId`, an order's contact, company and deal). Not fields.
   */
  readonly associations: readonly AssociationColumn[];
  readonly fields: readonly FieldColumn[];
  readonly byName: ReadonlyMap<string, FieldColumn>;
  /** Every column the model reads, key first, quoted and comma-joined. */
  readonly selectList: string;
}

/** Every config key that names an association column (`companyId`, `contactId`, …). */
function associationKeys(): ReadonlySet<string> {
  return new Set(objectDescriptors().map((d) => associationKey(d.name)));
}

/**
 * The model of `object` over the columns of its table. Throws a config error when the table is
 * missing, has no single-column primary key, or the mapping names a column it does not have.
 */
export function buildModel(
  object: ObjectType,
  config: ObjectConfig,
  schema: string,
  columns: readonly ColumnInfo[],
): TableModel {
  const where = `${schema}.${config.table}`;
  if (columns.length === 0) {
    throw configError('TANDEM_E_POSTGRES_TABLE', `table ${where} (${object}) does not exist`);
  }
  const keys = columns.filter((c) => c.primary);
  const key = keys[0];
  if (!key || keys.length > 1) {
    throw configError(
      'TANDEM_E_POSTGRES_KEY',
      `table ${where} needs a single-column primary key (the record id); it has ${keys.length}`,
    );
  }
  const byColumn = new Map(columns.map((c) => [c.name, c]));
  const mapping = Object.entries(config.fields ?? {});
  for (const [name, column] of mapping) {
    if (!byColumn.has(column)) {
      throw configError(
        'TANDEM_E_POSTGRES_COLUMN',
        `fields.${name} names column "${column}", which ${where} does not have`,
      );
    }
  }
  const associations: AssociationColumn[] = [];
  for (const { to } of objectDescriptor(object).associations) {
    const name = config.fields?.[associationKey(to)];
    const column = name === undefined ? undefined : byColumn.get(name);
    if (!column) continue;
    if (column === key || associations.some((a) => a.column === column)) {
      throw configError(
        'TANDEM_E_POSTGRES_COLUMN',
        `fields.${associationKey(to)} names column "${column.name}" of ${where}, which holds something else already`,
      );
    }
    associations.push({ to, column });
  }
  // `<singular>Id` keys are never canonical properties: one of an association the object does
  // not have (`companyId` on companies) is ignored, and its column stays a field of its own name.
  const reserved = associationKeys();
  const canonicalOf = new Map(
    mapping.filter(([name]) => !reserved.has(name)).map(([name, column]) => [column, name]),
  );
  const associated = new Set(associations.map((a) => a.column));
  const fields: FieldColumn[] = [];
  const byName = new Map<string, FieldColumn>();
  for (const column of columns) {
    if (column === key || associated.has(column)) continue;
    const canonical = canonicalOf.get(column.name);
    const field: FieldColumn =
      canonical === undefined
        ? { name: column.name, column }
        : { name: canonical, column, canonical };
    if (byName.has(field.name)) {
      throw configError(
        'TANDEM_E_POSTGRES_COLUMN',
        `${where}: two columns would both be the field "${field.name}"; map one of them elsewhere`,
      );
    }
    byName.set(field.name, field);
    fields.push(field);
  }
  const read = [key, ...associations.map((a) => a.column), ...fields.map((f) => f.column)];
  return {
    object,
    schema,
    table: config.table,
    target: qualified(schema, config.table),
    key,
    associations,
    fields,
    byName,
    selectList: read.map((c) => quoteIdent(c.name)).join(', '),
  };
}

/** The catalog entry of a model: its fields; the record id and the associations are not fields. */
export function catalogObject(model: TableModel): CatalogObject {
  return {
    name: model.object,
    fields: model.fields.map((f) => ({
      name: f.name,
      type: f.column.type,
      required: f.column.notNull && !f.column.hasDefault,
      ...(f.canonical === undefined ? {} : { canonical: f.canonical }),
    })),
  };
}

/** The catalog name a column is known by in commands and results (`assoc:<to>` for an FK). */
export function fieldNameOf(model: TableModel, column: string): string | undefined {
  const association = model.associations.find((a) => a.column.name === column);
  if (association) return `assoc:${association.to}`;
  return model.fields.find((f) => f.column.name === column)?.name;
}
