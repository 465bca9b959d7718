import type { SyncConfig, SyncRules } from '../types.ts';
import type { Catalogs } from './catalog.ts';
import { checkFilterFields } from './filter.ts';
import { deepFreeze, describe, isObject, own, readArray, readEnum } from './input.ts';
import { issueList, syncIssueCodes, type IssueList, type SyncResult } from './issues.ts';
import {
  checkMappingDirections,
  checkMappingList,
  defaultMappings,
  directions,
  readMappings,
  resolveGiven,
  sides,
  type PlacedMapping,
} from './mappings.ts';
import { deletePolicies, effectiveRequireEmail, fieldsFor, readRulesInput } from './parts.ts';

/** States in which a sync can be changed: before its first start, and while turned off. */
export const patchableStates: readonly SyncConfig['state'][] = ['draft', 'off'];

/** What a patch may not change; giving the current value back is fine (a GET body re-sent). */
function checkUnchanged(
  patch: Readonly<Record<string, unknown>>,
  sync: SyncConfig,
  issues: IssueList,
) {
  for (const key of ['id', 'object', 'state', 'generation'] as const) {
    const value = own(patch, key);
    if (value !== undefined && value !== sync[key]) {
      issues.add(
        syncIssueCodes.immutable,
        key,
        `${key} cannot be changed (it is ${JSON.stringify(sync[key])})` +
          (key === 'state'
            ? '; use start and stop'
            : key === 'object'
              ? '; create another sync'
              : ''),
      );
    }
  }
  for (const side of sides) {
    const value = own(patch, side);
    if (value === undefined) continue;
    const connection = isObject(value) ? own(value, 'connection') : undefined;
    if (connection !== sync[side].connection) {
      issues.add(
        syncIssueCodes.immutable,
        `${side}.connection`,
        `the connection of side ${side} cannot be changed; create another sync`,
      );
    }
  }
}

/**
 * `sync` changed by a `PATCH /v1/syncs/:id` body. Only a sync in state `draft` or `off` can be
 * changed (else a `TANDEM_E_SYNC_STATE` issue, which the API answers with 409). `direction`,
 * `conflictWinner` and `deletes` replace the current values; `rules.requireEmail` and
 * `rules.initialFilter` each replace theirs; `mappings` replaces the whole list — required
 * mappings must still be there and enabled. Never throws.
 */
export function patchSync(sync: SyncConfig, patch: unknown, catalogs: Catalogs): SyncResult {
  if (!patchableStates.includes(sync.state)) {
    return {
      ok: false,
      errors: [
        {
          code: syncIssueCodes.state,
          path: '',
          message: `a sync in state ${sync.state} cannot be changed; stop it first`,
        },
      ],
    };
  }
  if (!isObject(patch)) {
    return {
      ok: false,
      errors: [
        {
          code: syncIssueCodes.invalid,
          path: '',
          message: `a patch must be a JSON object, not ${describe(patch)}`,
        },
      ],
    };
  }
  const issues = issueList();
  checkUnchanged(patch, sync, issues);
  const direction = readEnum(patch, 'direction', directions, issues) ?? sync.direction;
  const conflictWinner = readEnum(patch, 'conflictWinner', sides, issues) ?? sync.conflictWinner;
  const deletes = readEnum(patch, 'deletes', deletePolicies, issues) ?? sync.deletes;
  const rulesInput = readRulesInput(patch, issues);
  const mappingList = readArray(patch, 'mappings', '', issues);
  const given = mappingList && readMappings(mappingList, 'mappings', issues);

  let mappings = sync.mappings;
  if (given || rulesInput.initialFilter) {
    const fieldsA = fieldsFor(catalogs, sync.a.connection, 'a', sync.object, issues);
    const fieldsB = fieldsFor(catalogs, sync.b.connection, 'b', sync.object, issues);
    if (fieldsA && fieldsB) {
      if (given) {
        const ctx = { object: sync.object, direction, fieldsA, fieldsB };
        const placed = resolveGiven(given, ctx, issues);
        const defaults = defaultMappings(
          sync.object,
          catalogs.get(sync.a.connection) ?? [],
          catalogs.get(sync.b.connection) ?? [],
        );
        checkMappingList(placed, defaults, ctx, 'mappings', issues);
        mappings = placed.map((p) => p.mapping);
      }
      checkFilterFields(
        rulesInput.initialFilter ?? [],
        { a: fieldsA, b: fieldsB },
        sync.object,
        issues,
      );
    }
  }
  if (!given && direction !== sync.direction) {
    // The kept mappings must still agree with a new direction.
    const placed: PlacedMapping[] = sync.mappings.map((mapping, i) => ({
      mapping,
      path: `mappings[${i}]`,
    }));
    checkMappingDirections(placed, direction, 'mappings', issues);
  }
  if (issues.list.length > 0) return { ok: false, errors: issues.list };

  const rules: SyncRules = {
    requireEmail: effectiveRequireEmail(
      sync.object,
      rulesInput.requireEmail ?? sync.rules.requireEmail,
    ),
    initialFilter: rulesInput.initialFilter
      ? rulesInput.initialFilter.map((c) => c.condition)
      : sync.rules.initialFilter,
  };
  const next: SyncConfig = { ...sync, direction, conflictWinner, deletes, rules, mappings };
  return { ok: true, sync: deepFreeze(next) };
}
