import type { SchemaObject } from 'ajv';
import {
  archiveRequest,
  associateDefaultRequest,
  associationAnswers,
  createRequest,
  readRequest,
} from './associations.ts';
import {
  batchArchiveRequest,
  batchCreateRequest,
  batchReadQuery,
  batchReadRequest,
  batchUpdateRequest,
  batchUpsertRequest,
  createPropertyRequest,
  listAnswer,
  listQuery,
  objectBatchAnswers,
  propertiesAnswer,
  propertiesQuery,
  property,
  SEARCH_MAX_FILTERS,
  searchAnswer,
  searchRequest,
} from './objects.ts';

/**
 * Every HubSpot endpoint the connector calls, with the schema of its query, its body and the
 * answer for each documented success status. Any 4xx/5xx answer is checked against the error body
 * of "Error handling" (https://developers.hubspot.com/docs/api-reference/error-handling). A
 * request to a path not listed here, or an answer with a success status not listed for its
 * endpoint, fails the contract.
 */
export interface Endpoint {
  /** `METHOD /path/{param}` as the documentation writes it. */
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: RegExp;
  /** The public documentation page the schemas follow. */
  readonly doc: string;
  /** Query parameters (as strings); absent: none may be sent. */
  readonly query?: SchemaObject;
  /** Request body; absent: none may be sent. */
  readonly body?: SchemaObject;
  /** Answer body by success status; null: the answer has no body (204). */
  readonly responses: Readonly<Record<number, SchemaObject | null>>;
  /** Rules JSON Schema cannot say, as problems. */
  readonly extra?: (body: unknown) => string[];
}

/**
 * The CRM objects whose endpoints the connector calls, by the `{objectType}` HubSpot documents for
 * each ("Understanding the CRM": contacts, companies, deals, products, tickets, orders, invoices).
 */
const object = '(contacts|companies|deals|products|tickets|orders|invoices)';

function filterCount(body: unknown): string[] {
  const groups = (body as { filterGroups?: { filters?: unknown[] }[] } | undefined)?.filterGroups;
  const total = (groups ?? []).reduce((n, g) => n + (g.filters?.length ?? 0), 0);
  return total > SEARCH_MAX_FILTERS
    ? [`request: ${total} filters in all; at most ${SEARCH_MAX_FILTERS}`]
    : [];
}

export const endpoints: readonly Endpoint[] = [
  {
    name: 'GET /crm/v3/objects/{objectType}',
    method: 'GET',
    path: new RegExp(`^/crm/v3/objects/${object}$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/latest/crm/objects/companies/get-companies',
    query: listQuery,
    responses: { 200: listAnswer },
  },
  {
    name: 'POST /crm/v3/objects/{objectType}/search',
    method: 'POST',
    path: new RegExp(`^/crm/v3/objects/${object}/search$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm',
    body: searchRequest,
    responses: { 200: searchAnswer },
    extra: filterCount,
  },
  {
    name: 'POST /crm/v3/objects/{objectType}/batch/create',
    method: 'POST',
    path: new RegExp(`^/crm/v3/objects/${object}/batch/create$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/objects/batch/create-objects',
    body: batchCreateRequest,
    responses: { 201: objectBatchAnswers.record, 207: objectBatchAnswers.recordMulti },
  },
  {
    name: 'POST /crm/v3/objects/{objectType}/batch/update',
    method: 'POST',
    path: new RegExp(`^/crm/v3/objects/${object}/batch/update$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/update-objects',
    body: batchUpdateRequest,
    responses: { 200: objectBatchAnswers.record, 207: objectBatchAnswers.recordMulti },
  },
  {
    name: 'POST /crm/v3/objects/{objectType}/batch/upsert',
    method: 'POST',
    path: new RegExp(`^/crm/v3/objects/${object}/batch/upsert$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts',
    body: batchUpsertRequest,
    responses: { 200: objectBatchAnswers.upsert, 207: objectBatchAnswers.upsertMulti },
  },
  {
    name: 'POST /crm/v3/objects/{objectType}/batch/read',
    method: 'POST',
    path: new RegExp(`^/crm/v3/objects/${object}/batch/read$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects',
    query: batchReadQuery,
    body: batchReadRequest,
    responses: { 200: objectBatchAnswers.record, 207: objectBatchAnswers.recordMulti },
  },
  {
    name: 'POST /crm/v3/objects/{objectType}/batch/archive',
    method: 'POST',
    path: new RegExp(`^/crm/v3/objects/${object}/batch/archive$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/latest/crm/objects/custom-objects/batch/delete-custom-objects',
    body: batchArchiveRequest,
    responses: { 204: null },
  },
  {
    name: 'GET /crm/v3/properties/{objectType}',
    method: 'GET',
    path: new RegExp(`^/crm/v3/properties/${object}$`),
    doc: 'https://developers.hubspot.com/docs/api/crm/properties',
    query: propertiesQuery,
    responses: { 200: propertiesAnswer },
  },
  {
    name: 'POST /crm/v3/properties/{objectType}',
    method: 'POST',
    path: new RegExp(`^/crm/v3/properties/${object}$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/latest/crm/properties/create-property',
    body: createPropertyRequest,
    responses: { 201: property },
  },
  {
    name: 'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read',
    method: 'POST',
    path: new RegExp(`^/crm/v4/associations/${object}/${object}/batch/read$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/get-associations',
    body: readRequest,
    responses: { 200: associationAnswers.read, 207: associationAnswers.readMulti },
  },
  {
    name: 'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create',
    method: 'POST',
    path: new RegExp(`^/crm/v4/associations/${object}/${object}/batch/create$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/2026-03/crm/associations/associate-records/batch/create-associations-labeled',
    body: createRequest,
    responses: {
      200: associationAnswers.create,
      201: associationAnswers.create,
      207: associationAnswers.createMulti,
    },
  },
  {
    name: 'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default',
    method: 'POST',
    path: new RegExp(`^/crm/v4/associations/${object}/${object}/batch/associate/default$`),
    doc: 'https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associate-records/batch/create-associations',
    body: associateDefaultRequest,
    responses: {
      200: associationAnswers.associateDefault,
      207: associationAnswers.associateDefaultMulti,
    },
  },
  {
    name: 'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/archive',
    method: 'POST',
    path: new RegExp(`^/crm/v4/associations/${object}/${object}/batch/archive$`),
    doc: 'https://developers.hubspot.com/docs/api/crm/associations',
    body: archiveRequest,
    responses: { 204: null },
  },
];
