import { type Side, type SyncConfig } from '../types.ts';
import { objectNames } from '../../objects/index.ts';
import type { CatalogField, Catalogs } from './catalog.ts';
import { checkFilterFields } from './filter.ts';
import { deepFreeze, isObject, own, readArray, readEnum, describe } from './input.ts';
import { issueList, syncIssueCodes, type SyncIssue, type SyncResult } from './issues.ts';
import {
  checkMappingList,
  defaultMappings,
  directions,
  mergeWithDefaults,
  readMappings,
  resolveGiven,
  sides,
} from './mappings.ts';
import {
  deletePolicies,
  effectiveRequireEmail,
  fieldsFor,
  readConnection,
  readRulesInput,
} from './parts.ts';

export interface BuildSyncOptions {
  /** The new sync's id (the caller makes ids, so this stays a pure function). */
  readonly id: string;
}

const failed = (errors: readonly SyncIssue[]): SyncResult => ({ ok: false, errors });

/**
 * A new sync from a `POST /v1/syncs` body: state `draft`, generation 0, default mappings from
 * the two connections' catalogs with the given mappings replacing the default of the same `a`
 * field or added after them, `rules.requireEmail` on for contacts, no initial filter and
 * `deletes: ignore` unless given. Never throws on any input: every problem comes back as an
 * issue. Unknown properties are ignored; `null` counts as absent.
 */
export function buildSync(
  input: unknown,
  catalogs: Catalogs,
  options: BuildSyncOptions,
): SyncResult {
  if (!isObject(input)) {
    return failed([
      {
        code: syncIssueCodes.invalid,
        path: '',
        message: `a sync must be a JSON object, not ${describe(input)}`,
      },
    ]);
  }
  const issues = issueList();
  const object = readEnum(input, 'object', objectNames(), issues, { required: true });
  const a = readConnection(input, 'a', issues);
  const b = readConnection(input, 'b', issues);
  if (a !== undefined && a === b) {
    issues.add(
      syncIssueCodes.sameConnection,
      'b.connection',
      'side b must be another connection than side a (two connections of the same type are fine)',
    );
  }
  const direction = readEnum(input, 'direction', directions, issues, { required: true });
  const conflictWinner = readEnum(input, 'conflictWinner', sides, issues, { required: true });
  const deletes = readEnum(input, 'deletes', deletePolicies, issues) ?? 'ignore';
  const mappingList = readArray(input, 'mappings', '', issues);
  const given = mappingList ? readMappings(mappingList, 'mappings', issues) : [];
  const rules = readRulesInput(input, issues);

  let fields: Record<Side, readonly CatalogField[]> | undefined;
  if (object && a && b && a !== b) {
    const fieldsA = fieldsFor(catalogs, a, 'a', object, issues);
    const fieldsB = fieldsFor(catalogs, b, 'b', object, issues);
    if (fieldsA && fieldsB) fields = { a: fieldsA, b: fieldsB };
  }
  let mappings: SyncConfig['mappings'] = [];
  if (object && a && b && fields) {
    const catalogA = catalogs.get(a) ?? [];
    const catalogB = catalogs.get(b) ?? [];
    const defaults = defaultMappings(object, catalogA, catalogB);
    const ctx = { object, direction, fieldsA: fields.a, fieldsB: fields.b };
    const placed = mergeWithDefaults(defaults, resolveGiven(given, ctx, issues));
    checkMappingList(placed, defaults, ctx, 'mappings', issues);
    mappings = placed.map((p) => p.mapping);
    checkFilterFields(rules.initialFilter ?? [], fields, object, issues);
  }

  if (issues.list.length > 0) return failed(issues.list);
  if (!object || !a || !b || !direction || !conflictWinner) {
    // Unreachable: each of these reported an issue when missing.
    return failed([{ code: syncIssueCodes.invalid, path: '', message: 'incomplete sync' }]);
  }
  const sync: SyncConfig = {
    id: options.id,
    object,
    a: { connection: a },
    b: { connection: b },
    direction,
    conflictWinner,
    mappings,
    rules: {
      requireEmail: effectiveRequireEmail(object, rules.requireEmail),
      initialFilter: (rules.initialFilter ?? []).map((c) => c.condition),
    },
    deletes,
    state: 'draft',
    generation: 0,
  };
  return { ok: true, sync: deepFreeze(sync) };
}

/** The connection ids a request names (well-formed or not), so a caller can load their catalogs. */
export function referencedConnections(input: unknown): string[] {
  if (!isObject(input)) return [];
  const ids = sides.map((side) => {
    const ref = own(input, side);
    const id = isObject(ref) ? own(ref, 'connection') : undefined;
    return typeof id === 'string' ? id : undefined;
  });
  return [...new Set(ids.filter((id) => id !== undefined))];
}
