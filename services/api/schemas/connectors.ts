import { errors } from './common.ts';
import { checkResult, tablesResult } from './connections.ts';

const typeParams = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', minLength: 1, maxLength: 50 } },
} as const;

const configBody = {
  type: 'object',
  required: ['config'],
  properties: {
    config: {
      type: 'object',
      additionalProperties: true,
      description: 'A connector config as POST /v1/connections takes it; it is not stored.',
    },
  },
} as const;

export const listConnectorsSchema = {
  tags: ['connectors'],
  summary: 'Every connector: its config spec, the objects it syncs, whether it lists tables',
  response: {
    200: {
      type: 'object',
      properties: {
        connectors: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              type: { type: 'string', examples: ['postgres', 'mysql', 'hubspot'] },
              title: { type: 'string', examples: ['PostgreSQL'] },
              description: { type: 'string' },
              spec: {
                type: 'object',
                additionalProperties: true,
                description:
                  'JSON Schema (draft 7) of the config, as POST /v1/connections validates it: ' +
                  'every property with a `title` and a `description`, `default`s, `required`, ' +
                  'and `secret: true` on credentials.',
              },
              objects: {
                type: 'array',
                items: { type: 'string' },
                description: 'The object types this connector can sync (GET /v1/objects).',
              },
              catalog: {
                type: 'boolean',
                description: 'True when POST /v1/connectors/{type}/tables lists tables.',
              },
            },
          },
        },
      },
    },
    ...errors(401),
  },
} as const;

export const checkConnectorSchema = {
  tags: ['connectors'],
  summary: 'Test an unsaved config: validate it against the spec, then check it live',
  description:
    'The check POST /v1/connections runs, without storing anything. A config the spec rejects ' +
    'is a 400 with a detail per field (`/config/port`); a check that fails is a 200 with ' +
    '`ok: false`, its category and a hint.',
  params: typeParams,
  body: configBody,
  response: { 200: checkResult, ...errors(400, 401, 404, 415) },
} as const;

export const connectorTablesSchema = {
  tags: ['connectors'],
  summary: "List the tables an unsaved database config's schema or database holds",
  description:
    'For choosing the tables of `objects`: the config is validated against the spec, except ' +
    'that `objects` may be left out. 422 `TANDEM_E_CATALOG_UNSUPPORTED` for connectors without ' +
    'tables (HubSpot); 422 `TANDEM_E_CONNECTION_FAILED` when the database refuses (credentials, ' +
    'no such database); 502 when it cannot be reached or does not answer in time.',
  params: typeParams,
  body: configBody,
  response: { 200: tablesResult, ...errors(400, 401, 404, 415, 422, 502) },
} as const;
