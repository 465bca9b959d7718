import type { SchemaObject } from 'ajv';
import { batchAnswer, closed, inputsOf, recordId } from './shapes.ts';

/**
 * Schemas of the associations v4 batch endpoints the connector calls, written by us from HubSpot's
 * public documentation; each names the page it follows. The guide
 * (https://developers.hubspot.com/docs/api/crm/associations) documents the association type
 * categories and ids; the references type record ids as strings while the guide's examples show
 * numbers for `toObjectId` / `fromObjectId`, so those accept both (the connector reads both).
 */

/** Batch read takes at most 1,000 inputs (changelog "Bug Fix: Batch Read Limit for HubSpot Associations API"). */
export const ASSOCIATION_READ_MAX = 1000;
/**
 * No maximum is published for the v4 write batches; the connector sends at most 100 and the
 * simulator refuses more, so that is what is held here.
 */
export const ASSOCIATION_WRITE_MAX = 100;

const category = { enum: ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'] };
const objectId: SchemaObject = {
  anyOf: [recordId, { type: 'integer', minimum: 0 }],
};
const idRef = closed({ id: recordId }, ['id']);

// Batch read — https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/get-associations
// Inputs `{id, after?}`: `after` is taken from a result's `paging.next.after` to read that
// record's next page; `paging` is present only when there are more pages (`link` is deprecated).
export const readRequest: SchemaObject = inputsOf(
  closed({ id: recordId, after: { type: 'string', minLength: 1 } }, ['id']),
  ASSOCIATION_READ_MAX,
);

const readResult: SchemaObject = {
  type: 'object',
  required: ['from', 'to'],
  properties: {
    from: { type: 'object', required: ['id'], properties: { id: recordId } },
    to: {
      type: 'array',
      items: {
        type: 'object',
        required: ['toObjectId', 'associationTypes'],
        properties: {
          toObjectId: objectId,
          associationTypes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['category', 'typeId'],
              properties: {
                category,
                typeId: { type: 'integer' },
                label: { type: ['string', 'null'] },
              },
            },
          },
        },
      },
    },
    paging: {
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
    },
  },
};

// Batch create (labelled) — https://developers.hubspot.com/docs/api-reference/2026-03/crm/associations/associate-records/batch/create-associations-labeled
// Inputs `{from: {id}, to: {id}, types: [{associationCategory, associationTypeId}]}`; results are
// label pairs `{fromObjectTypeId, fromObjectId, toObjectTypeId, toObjectId, labels}`.
export const createRequest: SchemaObject = inputsOf(
  closed(
    {
      from: idRef,
      to: idRef,
      types: {
        type: 'array',
        minItems: 1,
        items: closed({ associationCategory: category, associationTypeId: { type: 'integer' } }, [
          'associationCategory',
          'associationTypeId',
        ]),
      },
    },
    ['from', 'to', 'types'],
  ),
  ASSOCIATION_WRITE_MAX,
);

const labelsPair: SchemaObject = {
  type: 'object',
  required: ['fromObjectTypeId', 'fromObjectId', 'toObjectTypeId', 'toObjectId', 'labels'],
  properties: {
    fromObjectTypeId: { type: 'string' },
    fromObjectId: objectId,
    toObjectTypeId: { type: 'string' },
    toObjectId: objectId,
    labels: { type: 'array', items: { type: 'string' } },
  },
};

// Batch associate default — https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associate-records/batch/create-associations
// Inputs `{from: {id}, to: {id}}`; results `{associationSpec: {associationCategory,
// associationTypeId}, from: {id}, to: {id}}`.
export const associateDefaultRequest: SchemaObject = inputsOf(
  closed({ from: idRef, to: idRef }, ['from', 'to']),
  ASSOCIATION_WRITE_MAX,
);

const defaultResult: SchemaObject = {
  type: 'object',
  required: ['associationSpec', 'from', 'to'],
  properties: {
    associationSpec: {
      type: 'object',
      required: ['associationCategory', 'associationTypeId'],
      properties: { associationCategory: category, associationTypeId: { type: 'integer' } },
    },
    from: { type: 'object', required: ['id'], properties: { id: recordId } },
    to: { type: 'object', required: ['id'], properties: { id: recordId } },
  },
};

// Batch archive — the guide's "Remove associations" (https://developers.hubspot.com/docs/api/crm/associations):
// inputs `{from: {id}, to: [{id}]}`, answered 204 without a body.
export const archiveRequest: SchemaObject = inputsOf(
  closed({ from: idRef, to: { type: 'array', minItems: 1, items: idRef } }, ['from', 'to']),
  ASSOCIATION_WRITE_MAX,
);

export const associationAnswers = {
  read: batchAnswer(readResult),
  readMulti: batchAnswer(readResult, true),
  create: batchAnswer(labelsPair),
  createMulti: batchAnswer(labelsPair, true),
  associateDefault: batchAnswer(defaultResult),
  associateDefaultMulti: batchAnswer(defaultResult, true),
};
