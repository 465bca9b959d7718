import { validationError } from './errors.ts';
import type { PropertyRegistry } from './properties.ts';
import type { ObjectType, PropertyDefinition, StoredRecord } from './types.ts';

/**
 * Pure evaluation of a CRM search request ("Search the CRM",
 * https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm):
 * filters inside a group are ANDed, groups are ORed; one sort; `limit` up to 200 per page;
 * `after` is an offset; results past 10,000 cannot be paged to (400, "The search endpoints are
 * limited to 10,000 total results for any given query").
 *
 * Filter counts: HubSpot's public figures disagree. The changelog "Breaking Change: Expanded
 * Filtering Capabilities and Error Messaging in HubSpot's Search API"
 * (https://developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-hubspots-search-api)
 * announced 5 groups, 10 filters a group and 25 in all, while the search guide's filtering section
 * (as integrators following it relay it) allows 5 groups of up to 6 filters, 18 in all. The
 * simulator enforces the lower figures, answering more with 400 VALIDATION_ERROR: a client that
 * passes here passes under either. The connector uses at most two filters in one group.
 */

export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_MAX_RESULTS = 10_000;
export const MAX_FILTER_GROUPS = 5;
export const MAX_FILTERS_PER_GROUP = 6;
export const MAX_FILTERS_TOTAL = 18;

export type Operator =
  | 'EQ'
  | 'NEQ'
  | 'LT'
  | 'LTE'
  | 'GT'
  | 'GTE'
  | 'BETWEEN'
  | 'IN'
  | 'NOT_IN'
  | 'HAS_PROPERTY'
  | 'NOT_HAS_PROPERTY'
  | 'CONTAINS_TOKEN'
  | 'NOT_CONTAINS_TOKEN';

const OPERATORS = new Set<string>([
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
]);

export interface Filter {
  propertyName: string;
  operator: Operator;
  value?: string;
  highValue?: string;
  values?: string[];
}

export interface SearchRequest {
  filterGroups: Filter[][];
  sort?: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' };
  properties?: string[];
  limit: number;
  offset: number;
  query?: string;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : undefined;

function parseFilter(raw: unknown): Filter {
  if (!raw || typeof raw !== 'object')
    throw validationError('Invalid input JSON: filter must be an object');
  const f = raw as Record<string, unknown>;
  const propertyName = str(f.propertyName);
  const operator = str(f.operator);
  if (!propertyName) throw validationError('Invalid input JSON: filter is missing propertyName');
  if (!operator || !OPERATORS.has(operator)) {
    throw validationError(`Invalid input JSON: unknown filter operator ${String(f.operator)}`);
  }
  const filter: Filter = { propertyName, operator: operator as Operator };
  const value = str(f.value);
  if (value !== undefined) filter.value = value;
  const highValue = str(f.highValue);
  if (highValue !== undefined) filter.highValue = highValue;
  if (Array.isArray(f.values)) filter.values = f.values.map((v) => str(v) ?? '');
  return filter;
}

/** Reads and checks the request body; throws HubSpot-shaped 400s. */
export function parseSearchRequest(body: unknown): SearchRequest {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const groupsRaw = Array.isArray(b.filterGroups) ? b.filterGroups : [];
  if (groupsRaw.length > MAX_FILTER_GROUPS) {
    throw validationError(
      `Too many filter groups (${groupsRaw.length}); the maximum is ${MAX_FILTER_GROUPS}.`,
    );
  }
  const filterGroups = groupsRaw.map((g) => {
    const filters = Array.isArray((g as Record<string, unknown>)?.filters)
      ? ((g as Record<string, unknown>).filters as unknown[])
      : [];
    if (filters.length > MAX_FILTERS_PER_GROUP) {
      throw validationError(
        `Too many filters in a group (${filters.length}); the maximum is ${MAX_FILTERS_PER_GROUP}.`,
      );
    }
    return filters.map(parseFilter);
  });
  const total = filterGroups.reduce((n, g) => n + g.length, 0);
  if (total > MAX_FILTERS_TOTAL) {
    throw validationError(`Too many filters (${total}); the maximum is ${MAX_FILTERS_TOTAL}.`);
  }
  const limit = b.limit === undefined ? 10 : Number(b.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_LIMIT) {
    throw validationError(
      `limit must be between 1 and ${SEARCH_MAX_LIMIT}, got ${String(b.limit)}`,
    );
  }
  const offset = b.after === undefined || b.after === null || b.after === '' ? 0 : Number(b.after);
  if (!Number.isInteger(offset) || offset < 0) {
    throw validationError(`Invalid after value: ${String(b.after)}`);
  }
  if (offset + limit > SEARCH_MAX_RESULTS) {
    throw validationError(
      `The search endpoints are limited to ${SEARCH_MAX_RESULTS} total results for any given query; after=${offset} with limit=${limit} pages beyond them.`,
    );
  }
  const request: SearchRequest = { filterGroups, limit, offset };
  const sorts = Array.isArray(b.sorts) ? b.sorts : [];
  const first = sorts[0] as unknown;
  if (typeof first === 'string') {
    request.sort = { propertyName: first, direction: 'ASCENDING' };
  } else if (first && typeof first === 'object') {
    const s = first as Record<string, unknown>;
    const propertyName = str(s.propertyName);
    if (propertyName) {
      request.sort = {
        propertyName,
        direction: s.direction === 'DESCENDING' ? 'DESCENDING' : 'ASCENDING',
      };
    }
  }
  if (Array.isArray(b.properties)) request.properties = b.properties.map((p) => String(p));
  const query = str(b.query);
  if (query) request.query = query;
  return request;
}

/** Comparable form of a value: numbers and datetimes compare numerically, the rest as lower text. */
function comparable(def: PropertyDefinition | undefined, raw: string): number | string {
  if (def?.type === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw.toLowerCase();
  }
  if (def?.type === 'datetime' || def?.type === 'date') {
    const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    return Number.isFinite(n) ? n : raw.toLowerCase();
  }
  return raw.toLowerCase();
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function matches(def: PropertyDefinition | undefined, record: StoredRecord, f: Filter): boolean {
  const raw = record.properties[f.propertyName];
  const has = raw !== undefined && raw !== '';
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'NEQ':
      return (
        !has ||
        f.value === undefined ||
        compare(comparable(def, raw), comparable(def, f.value)) !== 0
      );
    case 'NOT_IN':
      return (
        !has ||
        !(f.values ?? []).some((v) => compare(comparable(def, raw), comparable(def, v)) === 0)
      );
    case 'NOT_CONTAINS_TOKEN':
      return !has || !tokenMatch(raw, f.value ?? '');
    default:
      break;
  }
  if (!has) return false;
  const left = comparable(def, raw);
  const cmp = (v: string | undefined): number | undefined =>
    v === undefined ? undefined : compare(left, comparable(def, v));
  switch (f.operator) {
    case 'EQ':
      return cmp(f.value) === 0;
    case 'LT':
      return (cmp(f.value) ?? 0) < 0;
    case 'LTE':
      return (cmp(f.value) ?? 1) <= 0;
    case 'GT':
      return (cmp(f.value) ?? 0) > 0;
    case 'GTE':
      return (cmp(f.value) ?? -1) >= 0;
    case 'BETWEEN':
      return (cmp(f.value) ?? -1) >= 0 && (cmp(f.highValue) ?? 1) <= 0;
    case 'IN':
      return (f.values ?? []).some((v) => cmp(v) === 0);
    case 'CONTAINS_TOKEN':
      return tokenMatch(raw, f.value ?? '');
    default:
      return false;
  }
}

/** CONTAINS_TOKEN: whole-word match, `*` as a wildcard. */
function tokenMatch(text: string, token: string): boolean {
  const pattern = token
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return text
    .toLowerCase()
    .split(/[\s,;@.]+/)
    .some((word) => new RegExp(`^${pattern}$`).test(word));
}

export interface SearchOutcome {
  total: number;
  page: StoredRecord[];
  nextAfter?: string;
}

export function runSearch(
  registry: PropertyRegistry,
  type: ObjectType,
  records: readonly StoredRecord[],
  request: SearchRequest,
): SearchOutcome {
  const def = (name: string): PropertyDefinition | undefined => registry.get(type, name);
  let hits = records.filter(
    (r) =>
      request.filterGroups.length === 0 ||
      request.filterGroups.some((group) => group.every((f) => matches(def(f.propertyName), r, f))),
  );
  if (request.query) {
    const q = request.query.toLowerCase();
    hits = hits.filter((r) => Object.values(r.properties).some((v) => v.toLowerCase().includes(q)));
  }
  const sort = request.sort;
  if (sort) {
    const d = def(sort.propertyName);
    const sign = sort.direction === 'DESCENDING' ? -1 : 1;
    hits = [...hits].sort((a, b) => {
      const av = a.properties[sort.propertyName];
      const bv = b.properties[sort.propertyName];
      // Records without the property sort last whatever the direction.
      if (av === undefined || bv === undefined) {
        return av === bv ? Number(a.id) - Number(b.id) : av === undefined ? 1 : -1;
      }
      return sign * compare(comparable(d, av), comparable(d, bv)) || Number(a.id) - Number(b.id);
    });
  }
  const page = hits.slice(request.offset, request.offset + request.limit);
  const end = request.offset + page.length;
  const outcome: SearchOutcome = { total: hits.length, page };
  if (end < hits.length) outcome.nextAfter = String(end);
  return outcome;
}
