/**
 * JSON Schemas shared by the routes: Fastify validates requests with them and @fastify/swagger
 * turns them into the OpenAPI document at /docs.
 */

export const errorSchema = {
  type: 'object',
  description: 'Every error: a stable code and a message for a human.',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['TANDEM_E_VALIDATION'] },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              path: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;

/** The error responses a route may give, for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorSchema]));
}

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const sideSchema = { type: 'string', enum: ['a', 'b'] } as const;
/**
 * An object type's name. Fastify compiles schemas once, and objects defined through the API join
 * the registry later: the schema checks the name's form, the sync model checks it exists
 * (400 `TANDEM_E_SYNC_*` naming the known objects, see GET /v1/objects).
 */
export const objectTypeSchema = {
  type: 'string',
  pattern: '^[a-z][a-z0-9_]{0,49}$',
  description: 'An object type of GET /v1/objects, e.g. `contacts`.',
} as const;
export const directionSchema = {
  type: 'string',
  enum: ['two-way', 'a-to-b', 'b-to-a'],
} as const;

/** What a connection keeps on its system for reading, as read live (services/api/sources.ts). */
export const sourceViewProperties = {
  state: {
    type: 'string',
    enum: ['ok', 'absent', 'unknown'],
    description:
      '`ok`: read just now; `absent`: nothing is kept (no reader has made it yet); `unknown`: ' +
      'the system did not answer in time or refused (see `message`).',
  },
  holder: {
    type: ['string', 'null'],
    description: 'What is kept, e.g. `replication slot tandem_conn_0a1b2c3d4e5f`.',
  },
  retainedBytes: {
    type: ['integer', 'null'],
    description:
      'Bytes of change log the system keeps for it: PostgreSQL WAL, ' +
      '`pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)` of the slot.',
  },
  active: { type: ['boolean', 'null'], description: 'Whether a reader holds it now.' },
  detail: {
    type: ['string', 'null'],
    description: "The system's own word on it: PostgreSQL's `wal_status` (`lost`: WAL removed).",
  },
  message: { type: 'string' },
  checkedAt: { type: 'string', format: 'date-time' },
} as const;
