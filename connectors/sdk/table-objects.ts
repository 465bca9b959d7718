import type { ObjectType } from '../../services/engine/types.ts';
import type { JsonSchema } from './spec.ts';
import {
  associationKey,
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
    description: `Where ${what} live: the table, and which column holds each canonical property.`,
    additionalProperties: false,
    required: ['table'],
    properties: {
      table: { type: 'string', minLength: 1, description: `The table holding ${what}.` },
      fields: {
        type: 'object',
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

/** The JSON Schema of `objects`: at least one of the object types (services/objects). */
export const tableObjectsSpec: JsonSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  description: 'The objects this connection syncs, each with its table.',
  properties: Object.fromEntries(objectDescriptors().map((d) => [d.name, tableObjectSpec(d)])),
};
