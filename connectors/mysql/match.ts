import type { Fields, ObjectType } from '../../services/engine/types.ts';
import {
  findObject,
  firstMatch,
  normalizers,
  type MatchRule,
} from '../../services/objects/index.ts';
import type { Column, TableModel } from './table-model.ts';

/**
 * Create-matching: a create whose match key a record of the table already has updates that
 * record instead. The key is the first of the descriptor's match rules the create's fields give
 * a value for, normalised by the one normalisation module (services/objects), so it is the very
 * key the resolve stage matched the record by (`matchKeys(…)[0]`). Pure functions.
 */

/** `<rule key>:<normalised value>` of a create (`sku:ab-1`), or null when no rule applies. */
export function createMatchKey(object: ObjectType, fields: Fields): string | null {
  const descriptor = findObject(object);
  const match = descriptor ? firstMatch(descriptor, fields) : null;
  return match ? `${match.rule.key}:${match.value}` : null;
}

/** A create's match key with the column the table holds the rule's property in. */
export interface MatchKey {
  readonly rule: MatchRule;
  readonly column: Column;
  /** The normalised value (`ab-1`). */
  readonly value: string;
  /** `createMatchKey` of the create (`sku:ab-1`). */
  readonly key: string;
}

/**
 * The match key of a create against a table, or null when no rule applies or the rule's property
 * has no column (a create naming a field the table lacks is rejected before it is matched).
 */
export function matchKeyOf(model: TableModel, fields: Fields): MatchKey | null {
  const descriptor = findObject(model.object);
  const match = descriptor ? firstMatch(descriptor, fields) : null;
  const field = match ? model.byName.get(match.rule.property) : undefined;
  if (!match || !field) return null;
  return {
    rule: match.rule,
    column: field.column,
    value: match.value,
    key: `${match.rule.key}:${match.value}`,
  };
}

/**
 * The match key a stored value of the rule's property has (`sku:ab-1`), or null: the JS
 * confirmation of each row the SQL prefilter (`matchSql`) found, with the same normaliser.
 */
export function storedMatchKey(rule: MatchRule, stored: string | null): string | null {
  const value = normalizers[rule.normalize](stored);
  return value === null ? null : `${rule.key}:${value}`;
}
