import type { Fields, FilterCondition, FilterOp, Side } from '../types.ts';
import type { CatalogField } from './catalog.ts';
import { compareDecimals, parseDecimal } from './decimal.ts';
import type { IssueList } from './issues.ts';
import { syncIssueCodes } from './issues.ts';
import { describe, isObject, join, own, readEnum, readName } from './input.ts';
import { sides } from './mappings.ts';

export const filterOps: readonly FilterOp[] = ['eq', 'neq', 'contains', 'exists', 'gt', 'lt'];

/** A condition of a request and the path it came from. */
export interface PlacedCondition {
  readonly condition: FilterCondition;
  readonly path: string;
}

/**
 * The well-formed conditions of a request's `initialFilter`. `value` is a string, required for
 * every op but `exists` (where a given value is dropped); a JSON number is taken as its decimal
 * text, since clients write `{"op": "gt", "value": 1000}`.
 */
export function readFilter(
  list: readonly unknown[],
  path: string,
  issues: IssueList,
): PlacedCondition[] {
  const out: PlacedCondition[] = [];
  list.forEach((item, i) => {
    const at = join(path, i);
    if (!isObject(item)) {
      issues.add(syncIssueCodes.invalid, at, `${at} must be an object, not ${describe(item)}`);
      return;
    }
    const before = issues.list.length;
    const side = readEnum(item, 'side', sides, issues, { path: at, required: true });
    const field = readName(item, 'field', at, issues);
    const op = readEnum(item, 'op', filterOps, issues, { path: at, required: true });
    const raw = own(item, 'value');
    let value: string | undefined;
    if (typeof raw === 'string') value = raw;
    else if (typeof raw === 'number' && Number.isFinite(raw)) value = String(raw);
    else if (raw !== undefined) {
      issues.add(
        syncIssueCodes.invalid,
        join(at, 'value'),
        `${join(at, 'value')} must be a string, not ${describe(raw)}`,
      );
    }
    if (op !== undefined && op !== 'exists' && raw === undefined) {
      issues.add(
        syncIssueCodes.invalid,
        join(at, 'value'),
        `${join(at, 'value')} is required for op ${op}`,
      );
    }
    if (issues.list.length > before || !side || !field || !op) return;
    const condition: FilterCondition =
      op === 'exists' || value === undefined ? { side, field, op } : { side, field, op, value };
    out.push({ condition, path: at });
  });
  return out;
}

/** Each condition must name a field its side's catalog lists. */
export function checkFilterFields(
  conditions: readonly PlacedCondition[],
  fieldsBySide: Readonly<Record<Side, readonly CatalogField[]>>,
  objectName: string,
  issues: IssueList,
): void {
  for (const { condition, path } of conditions) {
    if (!fieldsBySide[condition.side].some((f) => f.name === condition.field)) {
      issues.add(
        syncIssueCodes.unknownField,
        join(path, 'field'),
        `side ${condition.side} has no ${objectName} field ${JSON.stringify(condition.field)}`,
      );
    }
  }
}

const fold = (text: string) => text.trim().toLowerCase();

/** gt/lt: as decimals when both are finite decimals, else as strings (ISO dates order so). */
function compareValues(left: string, right: string): number {
  const x = parseDecimal(left);
  const y = parseDecimal(right);
  if (x && y) return compareDecimals(x, y);
  const l = left.trim();
  const r = right.trim();
  return l === r ? 0 : l < r ? -1 : 1;
}

function holds(condition: FilterCondition, actual: string | null | undefined): boolean {
  if (actual === null || actual === undefined || actual.trim() === '') {
    return condition.op === 'neq';
  }
  const expected = condition.value ?? '';
  switch (condition.op) {
    case 'exists':
      return true;
    case 'eq':
      return fold(actual) === fold(expected);
    case 'neq':
      return fold(actual) !== fold(expected);
    case 'contains':
      return actual.toLowerCase().includes(expected.toLowerCase());
    case 'gt':
      return compareValues(actual, expected) > 0;
    case 'lt':
      return compareValues(actual, expected) < 0;
  }
}

/**
 * Whether a record takes part in the initial sync: every condition must hold (none: it does).
 * A field that is missing, null or blank does not `exist`, equals nothing, contains nothing and
 * is neither greater nor less than anything — so `neq` holds for it. `eq`/`neq` compare without
 * case or surrounding spaces; `contains` without case; `gt`/`lt` exactly as decimals when both
 * values are decimal numbers, else as strings after trimming. A side whose fields are not given
 * has no values.
 */
export function evaluateFilter(
  conditions: readonly FilterCondition[],
  fieldsBySide: { readonly a?: Fields; readonly b?: Fields },
): boolean {
  return conditions.every((condition) => {
    const fields = fieldsBySide[condition.side];
    const actual =
      fields && Object.hasOwn(fields, condition.field) ? fields[condition.field] : undefined;
    return holds(condition, actual);
  });
}
