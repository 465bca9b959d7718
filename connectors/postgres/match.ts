import type { Fields, ObjectType } from '../../services/engine/types.ts';
import { firstMatch, objectDescriptor, type MatchRule } from '../../services/objects/index.ts';
import type { ColumnInfo, TableModel } from './model.ts';

/**
 * Create-matching: a create whose match key already exists in the table updates that row
 * instead of inserting a duplicate. The key is the resolve stage's, from the one normalisation
 * module (services/objects): the first match rule of the object's descriptor that the fields
 * give a value for (contacts by email; companies by domain, else by name; products by SKU).
 */

/** `<rule key>:<normalised value>` of a create's fields, or null when no rule applies. Pure. */
export function createMatchKey(object: ObjectType, fields: Fields): string | null {
  const found = firstMatch(objectDescriptor(object), fields);
  return found === null ? null : `${found.rule.key}:${found.value}`;
}

/** What a create is matched on: the rule, the column holding its property, the key. */
export interface CreateMatch {
  readonly rule: MatchRule;
  readonly column: ColumnInfo;
  /** The normalised value a row's column must normalise to. */
  readonly value: string;
  /** `<rule key>:<value>` ({@link createMatchKey}): creates with equal keys match one record. */
  readonly key: string;
}

/**
 * The match of a create written to `model`, from its fields under catalog names (mapped columns
 * carry the canonical name, the one the descriptor's rules use). Pure.
 */
export function createMatch(model: TableModel, fields: Fields): CreateMatch | null {
  const found = firstMatch(objectDescriptor(model.object), fields);
  const column = found === null ? undefined : model.byName.get(found.rule.property)?.column;
  if (found === null || column === undefined) return null;
  return { ...found, column, key: `${found.rule.key}:${found.value}` };
}
