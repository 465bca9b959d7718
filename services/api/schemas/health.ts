import { errors, idParams, objectTypeSchema, sideSchema, sourceViewProperties } from './common.ts';

const time = {
  type: 'string',
  minLength: 1,
  description: 'ISO-8601 date or date-time, or milliseconds since the epoch.',
} as const;

export const healthSchema = {
  tags: ['health'],
  summary: 'Counts of the sync’s records by status; failures by category, with hints',
  params: idParams,
  response: {
    200: {
      type: 'object',
      properties: {
        inSync: { type: 'integer' },
        failed: { type: 'integer' },
        excluded: { type: 'integer' },
        pending: { type: 'integer' },
        byCategory: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              category: { type: 'string' },
              count: { type: 'integer' },
              hint: { type: 'string' },
            },
          },
        },
        lastChangeAt: { type: ['string', 'null'] },
        lagMs: { type: ['number', 'null'] },
        sources: {
          type: 'array',
          description:
            'What each of the sync’s connections keeps on its system for reading (PostgreSQL: its ' +
            'replication slot and the WAL it retains), read live; connectors that keep nothing ' +
            '(MariaDB, HubSpot) are not listed. A database that does not answer in time shows as ' +
            '`state: "unknown"`.',
          items: {
            type: 'object',
            properties: {
              side: sideSchema,
              connection: { type: 'string' },
              ...sourceViewProperties,
            },
          },
        },
        warnings: {
          type: 'array',
          description:
            'Conditions of the sync’s connections worth acting on: `source-retention` when a ' +
            'connection’s source retains more than TANDEM_SOURCE_RETENTION_WARNING.',
          items: {
            type: 'object',
            properties: {
              category: { type: 'string', enum: ['source-retention'] },
              side: sideSchema,
              connection: { type: 'string' },
              retainedBytes: { type: 'integer' },
              thresholdBytes: { type: 'integer' },
              message: { type: 'string' },
              hint: { type: 'string' },
            },
          },
        },
      },
    },
    ...errors(401, 404),
  },
} as const;

const recordView = {
  type: 'object',
  properties: {
    entityId: { type: 'string' },
    object: { type: 'string' },
    a: { type: 'object', properties: { id: { type: ['string', 'null'] } } },
    b: { type: 'object', properties: { id: { type: ['string', 'null'] } } },
    label: {
      type: ['string', 'null'],
      description:
        'How a person recognises the record (the object’s display label: email or name for ' +
        'contacts, name or domain for companies, deal name …) from the values Tandem last saw; ' +
        'null when not known.',
    },
    status: { type: 'string' },
    category: { type: ['string', 'null'], description: 'Failed and excluded records: why.' },
    hint: { type: ['string', 'null'], description: 'What to do about the category.' },
    updatedAt: { type: 'string' },
  },
} as const;

const seenSide = {
  type: 'object',
  properties: {
    id: { type: ['string', 'null'], description: 'The record on this side, when there is one.' },
    values: {
      type: ['object', 'null'],
      additionalProperties: { type: ['string', 'null'] },
      description:
        'The mapped fields of the record on this side (its own field names) as Tandem last saw ' +
        'them; null when unknown.',
    },
  },
} as const;

export const recordDetailSchema = {
  tags: ['health'],
  summary: 'One record of the sync: both sides’ values as last seen, and its outcomes',
  params: {
    type: 'object',
    required: ['id', 'entityId'],
    properties: {
      id: idParams.properties.id,
      entityId: { type: 'string', minLength: 1, maxLength: 200 },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        entityId: { type: 'string' },
        object: { type: 'string' },
        label: { type: ['string', 'null'] },
        a: seenSide,
        b: seenSide,
        outcomes: {
          type: 'array',
          description: 'The record’s outcomes, newest first (at most 100).',
          items: {
            type: 'object',
            properties: {
              at: { type: 'string' },
              side: { type: ['string', 'null'], enum: ['a', 'b', null] },
              status: { type: 'string' },
              category: { type: 'string' },
              hint: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
      },
    },
    ...errors(401, 404),
  },
} as const;

export const recordsSchema = {
  tags: ['health'],
  summary: 'The sync’s records, newest change first, filtered and paged',
  params: idParams,
  querystring: {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['in-sync', 'failed', 'excluded', 'pending'] },
      object: objectTypeSchema,
      from: { ...time, description: `Changed at or after. ${time.description}` },
      to: { ...time, description: `Changed before. ${time.description}` },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      cursor: { type: 'string', minLength: 1, maxLength: 2000 },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        records: { type: 'array', items: recordView },
        nextCursor: { type: ['string', 'null'] },
      },
    },
    ...errors(400, 401, 404),
  },
} as const;

export const timelineSchema = {
  tags: ['health'],
  summary: 'Outcomes per minute between from and to (default: the last hour; at most 7 days)',
  params: idParams,
  querystring: {
    type: 'object',
    properties: { from: time, to: time },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        timeline: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              at: { type: 'string' },
              inSync: { type: 'integer' },
              failed: { type: 'integer' },
              excluded: { type: 'integer' },
              pending: { type: 'integer' },
            },
          },
        },
      },
    },
    ...errors(400, 401, 404),
  },
} as const;
