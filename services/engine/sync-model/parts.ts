import { objectDescriptor } from '../../objects/index.ts';
import type { DeletePolicy, ObjectType, Side } from '../types.ts';
import type { CatalogField, Catalogs } from './catalog.ts';
import { objectFields } from './catalog.ts';
import { readFilter, type PlacedCondition } from './filter.ts';
import type { IssueList } from './issues.ts';
import { syncIssueCodes } from './issues.ts';
import {
  describe,
  isObject,
  own,
  readArray,
  readBoolean,
  readName,
  type JsonObject,
} from './input.ts';

/** The pieces of a sync request that `buildSync` and `patchSync` read alike. */
export const deletePolicies: readonly DeletePolicy[] = ['ignore', 'propagate'];

/** `input[side].connection`: a non-empty connection id. */
export function readConnection(
  input: JsonObject,
  side: Side,
  issues: IssueList,
): string | undefined {
  const value = own(input, side);
  if (!isObject(value)) {
    issues.add(
      syncIssueCodes.invalid,
      side,
      `${side} must be an object {"connection": "<connection id>"}, not ${describe(value)}`,
    );
    return undefined;
  }
  return readName(value, 'connection', side, issues);
}

/** The fields of `object` in the catalog of `connection`, or an issue at `<side>.connection`. */
export function fieldsFor(
  catalogs: Catalogs,
  connection: string,
  side: Side,
  object: ObjectType,
  issues: IssueList,
): readonly CatalogField[] | undefined {
  const catalog = catalogs.get(connection);
  if (!catalog) {
    issues.add(
      syncIssueCodes.unknownConnection,
      `${side}.connection`,
      `there is no connection ${JSON.stringify(connection)}`,
    );
    return undefined;
  }
  const fields = objectFields(catalog, object);
  if (!fields) {
    issues.add(
      syncIssueCodes.objectUnsupported,
      `${side}.connection`,
      `connection ${JSON.stringify(connection)} has no ${object} object`,
    );
  }
  return fields;
}

export interface RulesInput {
  readonly requireEmail: boolean | undefined;
  readonly initialFilter: readonly PlacedCondition[] | undefined;
}

/** `input.rules`, as given (absent parts undefined). */
export function readRulesInput(input: JsonObject, issues: IssueList): RulesInput {
  const rules = own(input, 'rules');
  if (rules === undefined) return { requireEmail: undefined, initialFilter: undefined };
  if (!isObject(rules)) {
    issues.add(syncIssueCodes.invalid, 'rules', `rules must be an object, not ${describe(rules)}`);
    return { requireEmail: undefined, initialFilter: undefined };
  }
  const requireEmail = readBoolean(rules, 'requireEmail', 'rules', issues);
  const list = readArray(rules, 'initialFilter', 'rules', issues);
  const initialFilter = list && readFilter(list, 'rules.initialFilter', issues);
  return { requireEmail, initialFilter };
}

/**
 * The rule only applies to objects whose descriptor has it (contacts): on by default there, and
 * always off for other objects (a `true` given for companies is stored as the `false` it behaves as).
 */
export function effectiveRequireEmail(object: ObjectType, given: boolean | undefined): boolean {
  return objectDescriptor(object).emailRule ? (given ?? true) : false;
}
