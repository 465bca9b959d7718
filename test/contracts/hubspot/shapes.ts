import type { SchemaObject } from 'ajv';

/**
 * JSON Schemas of the shapes HubSpot's CRM APIs share, written by us from HubSpot's public
 * developer documentation (nothing is copied from HubSpot's published spec files, which are
 * proprietary). Each schema names the page it follows. Requests are held tight (no field the
 * documentation does not list, so the connector cannot drift into undocumented input); answers
 * must carry what the documentation shows them carrying, and may carry more (HubSpot adds fields).
 */

/** A record id: the reference types it as a string; every example is a decimal number. */
export const recordId: SchemaObject = { type: 'string', pattern: '^[0-9]+$' };

/** Timestamps are ISO 8601 in UTC with milliseconds, e.g. "2019-10-30T03:30:17.883Z". */
export const dateTime: SchemaObject = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$',
};

/**
 * "Error handling" (https://developers.hubspot.com/docs/api-reference/error-handling): an error
 * answer is a JSON object `{status, message, correlationId, category, errors?: [{message, in?,
 * code?, context?}], context?, links?}` whose fields "should all be treated as optional", so none is
 * required here; those present must have the documented types.
 */
export const errorDetail: SchemaObject = {
  type: 'object',
  required: ['message'],
  properties: {
    message: { type: 'string' },
    code: { type: 'string' },
    in: { type: 'string' },
    subCategory: { type: 'string' },
    context: { type: 'object' },
  },
};

export const errorBody: SchemaObject = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    message: { type: 'string' },
    correlationId: { type: 'string' },
    category: { type: 'string' },
    subCategory: { type: 'string' },
    errors: { type: 'array', items: errorDetail },
    context: { type: 'object' },
    links: { type: 'object' },
  },
};

/**
 * One failed input of a batch answered 207 (the `errors` items of the batch references, e.g.
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/objects/batch/create-objects):
 * `{status, category, message, context, errors?, links?, id?, subCategory?}`, `context` mapping a
 * name (ids, objectWriteTraceId) to a list of strings.
 */
export const batchError: SchemaObject = {
  type: 'object',
  required: ['status', 'category', 'message'],
  properties: {
    status: { type: 'string' },
    category: { type: 'string' },
    message: { type: 'string' },
    context: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    errors: { type: 'array', items: errorDetail },
    links: { type: 'object' },
    id: { type: 'string' },
    subCategory: {},
  },
};

/**
 * The envelope of every batch answer: `{status: CANCELED|COMPLETE|PENDING|PROCESSING, results,
 * startedAt, completedAt, requestedAt?, links?}`, and on a 207 also `errors` and `numErrors`.
 */
export function batchAnswer(result: SchemaObject, multiStatus = false): SchemaObject {
  return {
    type: 'object',
    required: ['status', 'results', 'startedAt', 'completedAt', ...(multiStatus ? ['errors'] : [])],
    properties: {
      status: { enum: ['CANCELED', 'COMPLETE', 'PENDING', 'PROCESSING'] },
      results: { type: 'array', items: result },
      startedAt: dateTime,
      completedAt: dateTime,
      requestedAt: dateTime,
      links: { type: 'object' },
      errors: { type: 'array', items: batchError, ...(multiStatus ? { minItems: 1 } : {}) },
      numErrors: { type: 'integer', minimum: 0 },
    },
  };
}

/** Forward paging: `{next: {after, link?}}`; `paging` is absent on the last page. */
export const forwardPaging: SchemaObject = {
  type: 'object',
  required: ['next'],
  properties: {
    next: {
      type: 'object',
      required: ['after'],
      properties: { after: { type: 'string', minLength: 1 }, link: { type: 'string' } },
    },
    prev: { type: 'object' },
  },
};

/** Property values on the wire are strings, or null for a requested property without a value. */
const propertyValues: SchemaObject = {
  type: 'object',
  additionalProperties: { type: ['string', 'null'] },
};

/**
 * A record ("SimplePublicObject" of the object references, e.g. the list answer at
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/companies/get-companies):
 * `{id, properties, createdAt, updatedAt, archived?, archivedAt?, objectWriteTraceId?,
 * propertiesWithHistory?, url?}`.
 */
export const record: SchemaObject = {
  type: 'object',
  required: ['id', 'properties', 'createdAt', 'updatedAt'],
  properties: {
    id: recordId,
    properties: propertyValues,
    createdAt: dateTime,
    updatedAt: dateTime,
    archived: { type: 'boolean' },
    archivedAt: dateTime,
    objectWriteTraceId: { type: 'string' },
    propertiesWithHistory: { type: 'object' },
    url: { type: 'string' },
  },
};

/**
 * A listed record with the associations asked for: `associations` maps an object type to
 * `{results: [{id, type}], paging?}` (same page).
 */
export const recordWithAssociations: SchemaObject = {
  ...record,
  properties: {
    ...(record.properties as Record<string, SchemaObject>),
    associations: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['results'],
        properties: {
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'type'],
              properties: { id: recordId, type: { type: 'string' } },
            },
          },
          paging: forwardPaging,
        },
      },
    },
  },
};

/** Property values as the connector sends them: strings ("" clears a property). */
export const propertyInput: SchemaObject = {
  type: 'object',
  additionalProperties: { type: 'string' },
};

/** A closed object: only the listed fields. */
export function closed(
  properties: Record<string, SchemaObject>,
  required: readonly string[] = [],
): SchemaObject {
  return { type: 'object', additionalProperties: false, required: [...required], properties };
}

/** `{inputs: [...]}` with at most `max` inputs, nothing else unless `extra` lists it. */
export function inputsOf(
  input: SchemaObject,
  max: number,
  extra: Record<string, SchemaObject> = {},
  required: readonly string[] = [],
): SchemaObject {
  return closed({ inputs: { type: 'array', minItems: 1, maxItems: max, items: input }, ...extra }, [
    'inputs',
    ...required,
  ]);
}
