import type { ObjectType } from '../../services/engine/types.ts';
import type { JsonSchema } from './spec.ts';

/**
 * The `objects` part of a database connector's config (`postgres` / `mysql`, see the README's Connectors section): for each
 * synced object, the table holding it and the canonical property → column mapping.
 */
export interface TableObjectConfig {
  readonly table: string;
  /** Canonical name → column (`{"email": "email_address"}`); `companyId` names the company FK. */
  readonly fields?: Readonly<Record<string, string>>;
}

export type TableObjects = Readonly<Partial<Record<ObjectType, TableObjectConfig>>>;

function tableObjectSpec(what: string): JsonSchema {
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
          'Canonical property → column holding it ({"email": "email_address"}); `companyId` names the foreign-key column of the record’s company. Other columns keep their own name.',
        additionalProperties: { type: 'string', minLength: 1 },
      },
    },
  };
}

/** The JSON Schema of `objects`: at least one of contacts, companies, deals. */
export const tableObjectsSpec: JsonSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  description: 'The objects this connection syncs, each with its table.',
  properties: {
    contacts: tableObjectSpec('contacts'),
    companies: tableObjectSpec('companies'),
    deals: tableObjectSpec('deals'),
  },
};
