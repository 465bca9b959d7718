import type { ObjectType } from '../../services/engine/types.ts';
import type { JsonSchema } from './spec.ts';
import type { TableColumn, TableInfo } from './types.ts';
import {
  associationKey,
  isObjectType,
  objectDescriptors,
  type ObjectDescriptor,
} from '../../services/objects/index.ts';

/**
 * The `objects` part of a database connector's config (`postgres` / `mysql`, see the README's Connectors section): for each
 * synced object, the table holding it and the canonical property → column mapping.
 */
export interface TableObjectConfig {
  readonly table: string;
  /**
   * Canonical name → column (`{"email": "email_address"}`); `<singular>Id` of an associated
   * object (`companyId`, `contactId`, `dealId`) names that association's foreign-key column.
   */
  readonly fields?: Readonly<Record<string, string>>;
}

export type TableObjects = Readonly<Partial<Record<ObjectType, TableObjectConfig>>>;

function tableObjectSpec(object: ObjectDescriptor): JsonSchema {
  const what = object.name;
  const keys = object.associations.map((a) => `\`${associationKey(a.to)}\``);
  return {
    type: 'object',
    title: object.label,
    description: `Where ${what} live: the table, and which column holds each canonical property.`,
    additionalProperties: false,
    required: ['table'],
    properties: {
      table: {
        type: 'string',
        minLength: 1,
        title: 'Table',
        description: `The table holding ${what}.`,
      },
      fields: {
        type: 'object',
        title: 'Columns',
        description:
          `Canonical property → column holding it ({"${object.properties[0]?.name ?? 'name'}": "my_column"}).` +
          (keys.length > 0
            ? ` ${keys.join(', ')} name${keys.length === 1 ? 's' : ''} the foreign-key column of an associated record.`
            : '') +
          ' Other columns keep their own name.',
        additionalProperties: { type: 'string', minLength: 1 },
      },
    },
  };
}

/** The form of an object type's name (services/objects/schema.ts). */
export const objectNamePattern = '^[a-z][a-z0-9_]{0,49}$';

/**
 * Any other object's table: objects defined through the API (services/objects/store.ts) join
 * the registry after this spec was compiled, so their entries are checked by form here, and by
 * name where a connection is created and where it starts (`unknownConfigObjects`).
 */
const otherTableObjectSpec: JsonSchema = {
  type: 'object',
  description:
    'Where records of an object defined through the API live: the table, and which column ' +
    'holds each canonical property; `<singular>Id` of an associated object names its ' +
    'foreign-key column.',
  additionalProperties: false,
  required: ['table'],
  properties: {
    table: { type: 'string', minLength: 1, title: 'Table', description: 'The table holding them.' },
    fields: {
      type: 'object',
      title: 'Columns',
      description: 'Canonical property → column holding it; other columns keep their own name.',
      additionalProperties: { type: 'string', minLength: 1 },
    },
  },
};

/**
 * The JSON Schema of `objects`: at least one object type (services/objects). The objects known at
 * start are spelled out (for docs and forms); any other identifier-named key takes the generic
 * table-object schema and must name a known object when the config is used.
 */
export const tableObjectsSpec: JsonSchema = {
  type: 'object',
  title: 'Objects',
  minProperties: 1,
  description: 'The objects this connection syncs, each with its table.',
  propertyNames: { type: 'string', pattern: objectNamePattern },
  properties: Object.fromEntries(objectDescriptors().map((d) => [d.name, tableObjectSpec(d)])),
  additionalProperties: otherTableObjectSpec,
};

/**
 * The object types a connector config names: the keys of a database config's `objects`, the
 * entries of a HubSpot config's `objects`, the keys of its `properties`. Pure; a config of
 * another shape names none.
 */
export function configObjectNames(config: unknown): string[] {
  if (typeof config !== 'object' || config === null) return [];
  const { objects, properties } = config as { objects?: unknown; properties?: unknown };
  const names = new Set<string>();
  if (Array.isArray(objects)) {
    for (const o of objects) if (typeof o === 'string') names.add(o);
  } else if (typeof objects === 'object' && objects !== null) {
    for (const o of Object.keys(objects)) names.add(o);
  }
  if (typeof properties === 'object' && properties !== null && !Array.isArray(properties)) {
    for (const o of Object.keys(properties)) names.add(o);
  }
  return [...names];
}

/** The names of `configObjectNames(config)` the registry does not know (now). */
export function unknownConfigObjects(config: unknown): string[] {
  return configObjectNames(config).filter((o) => !isObjectType(o));
}

/** One column row of a database catalog query, in the catalog's order. */
export interface CatalogColumnRow {
  readonly table: string;
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
}

/**
 * Catalog column rows grouped into tables, by table name; Tandem's own tables (`_tandem_…`, e.g.
 * the command ledger writes keep) are left out: they hold no object. Pure.
 */
export function groupTableColumns(rows: readonly CatalogColumnRow[]): TableInfo[] {
  const tables = new Map<string, TableColumn[]>();
  for (const row of rows) {
    if (row.table.startsWith('_tandem_')) continue;
    const columns = tables.get(row.table) ?? [];
    columns.push({ name: row.name, type: row.type, nullable: row.nullable });
    tables.set(row.table, columns);
  }
  return [...tables]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([name, columns]) => ({ name, columns }));
}
