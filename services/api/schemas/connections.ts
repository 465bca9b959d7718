import { errors, idParams, sourceViewProperties } from './common.ts';

const connectionView = {
  type: 'object',
  description: 'A connection. Credentials are never returned: secret config values read "***".',
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    name: { type: 'string' },
    status: {
      type: 'string',
      enum: ['ok', 'failed', 'unknown'],
      description: 'The result of the last check: at creation and at every POST …/check.',
    },
    message: { type: 'string', description: 'What the last check said.' },
    checkedAt: { type: ['string', 'null'], format: 'date-time' },
    config: { type: 'object', additionalProperties: true },
    source: {
      type: 'object',
      description:
        'What the connection keeps on its system for reading, read live by GET (one and list): ' +
        'PostgreSQL its replication slot and the WAL the slot retains. Absent for connectors ' +
        'that keep nothing there (MariaDB reads the binlog by GTID; HubSpot its API). Deleting ' +
        'the connection releases it.',
      properties: sourceViewProperties,
    },
  },
} as const;

const catalogField = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: { type: 'string' },
    required: { type: 'boolean' },
    canonical: { type: 'string' },
  },
} as const;

export const createConnectionSchema = {
  tags: ['connections'],
  summary: 'Create a connection: validate its config against the connector spec, then check it',
  description:
    'A connection whose check fails is still created (201, `status: "failed"` with the message): ' +
    'fix the system or its credentials and run POST /v1/connections/{id}/check again. A config ' +
    'that does not match the connector spec is refused with 400.',
  body: {
    type: 'object',
    required: ['type', 'name', 'config'],
    properties: {
      type: { type: 'string', minLength: 1, examples: ['postgres', 'mysql', 'hubspot'] },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      config: {
        type: 'object',
        additionalProperties: true,
        description: "The connector's config (see its spec); secrets are stored encrypted.",
      },
      limits: {
        type: 'object',
        properties: { rowsPerSecond: { type: 'integer', minimum: 1 } },
      },
    },
  },
  response: { 201: connectionView, ...errors(400, 401, 415) },
} as const;

export const listConnectionsSchema = {
  tags: ['connections'],
  summary: 'Every connection',
  response: {
    200: {
      type: 'object',
      properties: { connections: { type: 'array', items: connectionView } },
    },
    ...errors(401),
  },
} as const;

export const getConnectionSchema = {
  tags: ['connections'],
  summary: 'One connection',
  params: idParams,
  response: { 200: connectionView, ...errors(401, 404) },
} as const;

export const deleteConnectionSchema = {
  tags: ['connections'],
  summary: 'Delete a connection no sync uses, releasing what it keeps on its system',
  description:
    'Removes the connection, then releases what it kept on its system for reading: PostgreSQL ' +
    'its replication slot (once no reader holds it: `connect` stops the connection’s reader) and ' +
    'the publication Tandem made. The answer comes once that is done, or after the connector ' +
    'timeout while the release goes on in the background.',
  params: idParams,
  response: { 204: { type: 'null' }, ...errors(401, 404, 409) },
} as const;

/** The answer of a check, of a stored connection or of an unsaved config. */
export const checkResult = {
  type: 'object',
  required: ['ok', 'message'],
  properties: {
    ok: { type: 'boolean' },
    message: { type: 'string', description: 'What the check found (never a credential).' },
    category: {
      type: 'string',
      description:
        'On failure, the connector’s category of it: `auth` (credentials or privileges), ' +
        '`target-unavailable` (cannot reach the server), `invalid-value` (a setting or table ' +
        'that does not fit), …',
    },
    hint: { type: 'string', description: 'On failure with a category: what to do about it.' },
  },
} as const;

/** Tables of a database, from its own catalog. */
export const tablesResult = {
  type: 'object',
  properties: {
    tables: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          columns: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                type: { type: 'string', description: 'The database’s type name.' },
                nullable: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
  },
} as const;

export const checkConnectionSchema = {
  tags: ['connections'],
  summary: "Test the connection's system and credentials now",
  description:
    'Always 200 for a connection that exists: a failure is `ok: false` with the message, its ' +
    'category and a hint. The stored status follows the result.',
  params: idParams,
  response: { 200: checkResult, ...errors(401, 404) },
} as const;

export const patchConnectionSchema = {
  tags: ['connections'],
  summary: 'Change a connection’s name, config or limits; a new config is validated and checked',
  description:
    '`config` replaces the whole config, except that a secret property (`secret: true` in the ' +
    'connector spec) that is left out or reads "***" keeps its stored value. A new config is ' +
    'validated against the spec (400 with a detail per field) and checked like at creation ' +
    '(the status follows; a failing check still saves it). Refused with 409 ' +
    '`TANDEM_E_CONNECTION_IN_USE` while a sync using the connection is on (initial-sync or running).',
  params: idParams,
  body: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      config: { type: 'object', additionalProperties: true },
      limits: {
        type: 'object',
        properties: { rowsPerSecond: { type: 'integer', minimum: 1 } },
      },
    },
  },
  response: { 200: connectionView, ...errors(400, 401, 404, 409, 415) },
} as const;

export const connectionTablesSchema = {
  tags: ['connections'],
  summary: "The tables of the connection's schema or database, with their columns",
  description:
    'Read live from the database’s own catalog. 422 `TANDEM_E_CATALOG_UNSUPPORTED` for ' +
    'connectors without tables (HubSpot); 422 `TANDEM_E_CONNECTION_FAILED` when the database refuses (credentials, ' +
    'no such database); 502 when it cannot be reached or does not answer in time.',
  params: idParams,
  response: { 200: tablesResult, ...errors(401, 404, 422, 502) },
} as const;

export const catalogSchema = {
  tags: ['connections'],
  summary: "Discover the connection's objects and fields",
  params: idParams,
  response: {
    200: {
      type: 'object',
      properties: {
        objects: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              fields: { type: 'array', items: catalogField },
            },
          },
        },
      },
    },
    ...errors(401, 404, 422, 502),
  },
} as const;
