import { directionSchema, errors, idParams, objectTypeSchema, sideSchema } from './common.ts';

const connectionRef = {
  type: 'object',
  required: ['connection'],
  properties: { connection: { type: 'string', minLength: 1 } },
} as const;

const mapping = {
  type: 'object',
  required: ['a', 'b'],
  properties: {
    a: { type: 'string', minLength: 1, description: 'A field of side a (its catalog name).' },
    b: { type: 'string', minLength: 1, description: 'A field of side b.' },
    enabled: { type: 'boolean', default: true },
    direction: directionSchema,
    winner: sideSchema,
    required: { type: 'boolean', description: 'Read-only: ignored on input.' },
  },
} as const;

const condition = {
  type: 'object',
  required: ['side', 'field', 'op'],
  properties: {
    side: sideSchema,
    field: { type: 'string', minLength: 1 },
    op: { type: 'string', enum: ['eq', 'neq', 'contains', 'exists', 'gt', 'lt'] },
    value: { type: ['string', 'number'] },
  },
} as const;

const rules = {
  type: 'object',
  properties: {
    requireEmail: {
      type: 'boolean',
      description: 'Contacts only: sync only contacts with a valid email (default true).',
    },
    initialFilter: {
      type: 'array',
      items: condition,
      description: 'Conditions a record must all meet to take part in the initial sync.',
    },
  },
} as const;

const deletes = { type: 'string', enum: ['ignore', 'propagate'] } as const;

const syncFields = {
  object: objectTypeSchema,
  a: connectionRef,
  b: connectionRef,
  direction: directionSchema,
  conflictWinner: sideSchema,
  mappings: { type: 'array', items: mapping },
  rules,
  deletes,
} as const;

const syncView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    ...syncFields,
    state: { type: 'string', enum: ['draft', 'initial-sync', 'running', 'off'] },
    generation: { type: 'integer', description: 'Bumped by every start.' },
    progress: {
      type: 'object',
      description: 'Records of the current initial sync: held for matching, and merged.',
      properties: { total: { type: 'integer' }, done: { type: 'integer' } },
    },
  },
} as const;

export const createSyncSchema = {
  tags: ['syncs'],
  summary: 'Create a sync (state draft): review it, then start it',
  description:
    'Default mappings come from both connections’ catalogs (fields with the same canonical ' +
    'name); each given mapping replaces the default with the same `a` field, or is added.',
  body: {
    type: 'object',
    required: ['object', 'a', 'b', 'direction', 'conflictWinner'],
    properties: syncFields,
  },
  response: { 201: syncView, ...errors(400, 401, 422, 502) },
} as const;

export const previewSyncSchema = {
  tags: ['syncs'],
  summary: 'The sync POST /v1/syncs would create, without storing it',
  description:
    'Takes the body of POST /v1/syncs and answers 200 with the sync as create would build it ' +
    '(state `draft`, default mappings with `required`, rules, deletes; `id` reads "preview"), ' +
    'with the same 400/422/502 errors. For set-up screens that show the default mappings.',
  body: createSyncSchema.body,
  response: { 200: syncView, ...errors(400, 401, 415, 422, 502) },
} as const;

export const listSyncsSchema = {
  tags: ['syncs'],
  summary: 'Every sync',
  response: {
    200: { type: 'object', properties: { syncs: { type: 'array', items: syncView } } },
    ...errors(401),
  },
} as const;

export const getSyncSchema = {
  tags: ['syncs'],
  summary: 'One sync, with its state and initial-sync progress',
  params: idParams,
  response: { 200: syncView, ...errors(401, 404) },
} as const;

export const patchSyncSchema = {
  tags: ['syncs'],
  summary: 'Change a sync that is in draft or off (409 otherwise)',
  description:
    '`direction`, `conflictWinner`, `deletes` and each of `rules.requireEmail`, ' +
    '`rules.initialFilter` replace their value; `mappings` replaces the whole list.',
  params: idParams,
  body: {
    type: 'object',
    properties: { ...syncFields, id: { type: 'string' }, state: { type: 'string' } },
  },
  response: { 200: syncView, ...errors(400, 401, 404, 409, 422, 502) },
} as const;

export const deleteSyncSchema = {
  tags: ['syncs'],
  summary: 'Delete a sync that is not on (stop it first: 409 otherwise)',
  params: idParams,
  response: { 204: { type: 'null' }, ...errors(401, 404, 409) },
} as const;

export const startSyncSchema = {
  tags: ['syncs'],
  summary: 'Start a sync: initial sync (state initial-sync), then live (running)',
  params: idParams,
  response: { 202: syncView, ...errors(401, 404, 409) },
} as const;

export const stopSyncSchema = {
  tags: ['syncs'],
  summary: 'Turn a sync off: writes stop at once; turning it on again resumes',
  params: idParams,
  response: { 200: syncView, ...errors(401, 404, 409) },
} as const;

export const resyncDeletedSchema = {
  tags: ['syncs'],
  summary: 'Recreate on side `into` the records deleted there, from the other side',
  params: idParams,
  body: {
    type: 'object',
    required: ['into'],
    properties: { into: sideSchema },
  },
  response: {
    202: { type: 'object', properties: { queued: { type: 'integer' } } },
    ...errors(400, 401, 404, 409, 503),
  },
} as const;
