import type { SchemaObject } from 'ajv';
import {
  batchAnswer,
  closed,
  forwardPaging,
  inputsOf,
  propertyInput,
  record,
  recordId,
  recordWithAssociations,
} from './shapes.ts';

/**
 * Schemas of the CRM objects v3, search and properties endpoints the connector calls, written by
 * us from HubSpot's public documentation; each names the page it follows.
 */

/** CRM object batches take at most 100 inputs ("Using object APIs", batch sections). */
export const OBJECT_BATCH_MAX = 100;

// List — https://developers.hubspot.com/docs/api-reference/latest/crm/objects/companies/get-companies
// Query: limit (default 10, at most 100 a page: "Using object APIs",
// https://developers.hubspot.com/docs/guides/crm/using-object-apis), after, properties,
// propertiesWithHistory, associations (comma-separated), archived.
export const listQuery: SchemaObject = closed({
  limit: { type: 'string', pattern: '^(100|[1-9][0-9]?)$' },
  after: { type: 'string', minLength: 1 },
  properties: { type: 'string' },
  propertiesWithHistory: { type: 'string' },
  associations: { type: 'string' },
  archived: { enum: ['true', 'false'] },
});

export const listAnswer: SchemaObject = {
  type: 'object',
  required: ['results'],
  properties: { results: { type: 'array', items: recordWithAssociations }, paging: forwardPaging },
};

// Search — https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm
// `{filterGroups: [{filters: [{propertyName, operator, value?, highValue?, values?}]}], sorts,
// query?, properties, limit (≤ 200), after}`; at most 5 groups of 6 filters, 18 in all (the lower
// of HubSpot's published figures, see the simulator's search.ts); answer `{total, results,
// paging?}`.
const operators = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
];
const filter = closed(
  {
    propertyName: { type: 'string', minLength: 1 },
    operator: { enum: operators },
    value: { type: 'string' },
    highValue: { type: 'string' },
    values: { type: 'array', items: { type: 'string' } },
  },
  ['propertyName', 'operator'],
);

export const searchRequest: SchemaObject = {
  ...closed({
    filterGroups: {
      type: 'array',
      maxItems: 5,
      items: closed({ filters: { type: 'array', maxItems: 6, items: filter } }, ['filters']),
    },
    sorts: {
      type: 'array',
      items: closed(
        {
          propertyName: { type: 'string', minLength: 1 },
          direction: { enum: ['ASCENDING', 'DESCENDING'] },
        },
        ['propertyName'],
      ),
    },
    query: { type: 'string' },
    properties: { type: 'array', items: { type: 'string' } },
    limit: { type: 'integer', minimum: 1, maximum: 200 },
    after: { type: 'string' },
  }),
};

/** The total number of filters, which JSON Schema cannot count across groups. */
export const SEARCH_MAX_FILTERS = 18;

export const searchAnswer: SchemaObject = {
  type: 'object',
  required: ['total', 'results'],
  properties: {
    total: { type: 'integer', minimum: 0 },
    results: { type: 'array', items: record },
    paging: forwardPaging,
  },
};

// Batch create — https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/objects/batch/create-objects
// Inputs `{properties, associations?, objectWriteTraceId?}`; 201, or 207 with `errors` when
// multi-status is on ("Error handling", https://developers.hubspot.com/docs/api-reference/error-handling).
const createAssociation = closed(
  {
    to: closed({ id: recordId }, ['id']),
    types: {
      type: 'array',
      minItems: 1,
      items: closed(
        {
          associationCategory: { enum: ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'] },
          associationTypeId: { type: 'integer' },
        },
        ['associationCategory', 'associationTypeId'],
      ),
    },
  },
  ['to', 'types'],
);

export const batchCreateRequest: SchemaObject = inputsOf(
  closed(
    {
      properties: propertyInput,
      associations: { type: 'array', items: createAssociation },
      objectWriteTraceId: { type: 'string', minLength: 1 },
    },
    ['properties'],
  ),
  OBJECT_BATCH_MAX,
);

// Batch update — https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/update-objects
// Inputs `{id, properties, idProperty?, objectWriteTraceId?}`; 200, or 207 naming unknown ids.
export const batchUpdateRequest: SchemaObject = inputsOf(
  closed(
    {
      id: recordId,
      properties: propertyInput,
      idProperty: { type: 'string' },
      objectWriteTraceId: { type: 'string' },
    },
    ['id', 'properties'],
  ),
  OBJECT_BATCH_MAX,
);

// Batch upsert — https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts
// Inputs `{idProperty, id, properties, objectWriteTraceId?}`; results carry `new`.
export const batchUpsertRequest: SchemaObject = inputsOf(
  closed(
    {
      idProperty: { type: 'string', minLength: 1 },
      id: { type: 'string', minLength: 1 },
      properties: propertyInput,
      objectWriteTraceId: { type: 'string' },
    },
    ['idProperty', 'id', 'properties'],
  ),
  OBJECT_BATCH_MAX,
);

export const upsertResult: SchemaObject = {
  ...record,
  required: [...(record.required as string[]), 'new'],
  properties: { ...(record.properties as Record<string, SchemaObject>), new: { type: 'boolean' } },
};

// Batch read — https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects
// Body `{inputs: [{id}], properties, propertiesWithHistory?, idProperty?}`; query `archived`.
export const batchReadRequest: SchemaObject = inputsOf(
  closed({ id: { type: 'string', minLength: 1 } }, ['id']),
  OBJECT_BATCH_MAX,
  {
    properties: { type: 'array', items: { type: 'string' } },
    propertiesWithHistory: { type: 'array', items: { type: 'string' } },
    idProperty: { type: 'string', minLength: 1 },
  },
  ['properties'],
);

export const batchReadQuery: SchemaObject = closed({ archived: { enum: ['true', 'false'] } });

// Batch archive — https://developers.hubspot.com/docs/api-reference/latest/crm/objects/custom-objects/batch/delete-custom-objects
// Inputs `{id}`; 204 without a body.
export const batchArchiveRequest: SchemaObject = inputsOf(closed({ id: recordId }, ['id']), 100);

export const objectBatchAnswers = {
  record: batchAnswer(record),
  recordMulti: batchAnswer(record, true),
  upsert: batchAnswer(upsertResult),
  upsertMulti: batchAnswer(upsertResult, true),
};

// Properties — https://developers.hubspot.com/docs/api/crm/properties and the create reference
// https://developers.hubspot.com/docs/api-reference/latest/crm/properties/create-property:
// `name`, `label`, `type`, `fieldType`, `groupName` required to create; names up to 100 characters
// (https://knowledge.hubspot.com/properties/understand-the-property-editor).
export const property: SchemaObject = {
  type: 'object',
  required: ['name', 'label', 'type', 'fieldType', 'groupName'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    label: { type: 'string' },
    type: { type: 'string' },
    fieldType: { type: 'string' },
    groupName: { type: 'string' },
    description: { type: 'string' },
    options: {
      type: 'array',
      items: {
        type: 'object',
        required: ['label', 'value'],
        properties: { label: { type: 'string' }, value: { type: 'string' } },
      },
    },
    hasUniqueValue: { type: 'boolean' },
    hidden: { type: 'boolean' },
    formField: { type: 'boolean' },
    calculated: { type: 'boolean' },
    hubspotDefined: { type: 'boolean' },
    displayOrder: { type: 'integer' },
    modificationMetadata: {
      type: 'object',
      properties: {
        archivable: { type: 'boolean' },
        readOnlyDefinition: { type: 'boolean' },
        readOnlyValue: { type: 'boolean' },
        readOnlyOptions: { type: 'boolean' },
      },
    },
  },
};

export const propertiesAnswer: SchemaObject = {
  type: 'object',
  required: ['results'],
  properties: { results: { type: 'array', items: property } },
};

export const propertiesQuery: SchemaObject = closed({
  archived: { enum: ['true', 'false'] },
  properties: { type: 'string' },
});

export const createPropertyRequest: SchemaObject = closed(
  {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    label: { type: 'string', minLength: 1 },
    type: { enum: ['string', 'number', 'date', 'datetime', 'enumeration', 'bool'] },
    fieldType: {
      enum: [
        'text',
        'textarea',
        'date',
        'file',
        'number',
        'select',
        'radio',
        'checkbox',
        'booleancheckbox',
        'calculation_equation',
        'html',
        'phonenumber',
      ],
    },
    groupName: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    displayOrder: { type: 'integer' },
    hasUniqueValue: { type: 'boolean' },
    hidden: { type: 'boolean' },
    formField: { type: 'boolean' },
    options: {
      type: 'array',
      items: closed(
        {
          label: { type: 'string' },
          value: { type: 'string' },
          description: { type: 'string' },
          displayOrder: { type: 'integer' },
          hidden: { type: 'boolean' },
        },
        ['label', 'value'],
      ),
    },
    calculationFormula: { type: 'string' },
    externalOptions: { type: 'boolean' },
    referencedObjectType: { type: 'string' },
    dataSensitivity: { type: 'string' },
  },
  ['name', 'label', 'type', 'fieldType', 'groupName'],
);
