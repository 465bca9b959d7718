import type { Fields, ObjectType } from '../../services/engine/types.ts';
import { firstMatch, objectDescriptor } from '../../services/objects/index.ts';

/**
 * The key a create is matched to an existing HubSpot record by: `<rule key>:<normalised value>`
 * of the object's first match rule the command's (canonical) fields give a value for — the resolve
 * stage's first match key for the same fields, through the one normalisation module
 * (services/objects). Null when the object has no match rule or the fields give no key: such
 * creates are keyed by their command id instead (command-key.ts). Pure.
 */
export function createMatchKey(object: ObjectType, fields: Fields): string | null {
  const found = firstMatch(objectDescriptor(object), fields);
  return found === null ? null : `${found.rule.key}:${found.value}`;
}

/** The object's creates have a natural key (match rules); otherwise they are keyed by command id. */
export function hasMatchKeys(object: ObjectType): boolean {
  return objectDescriptor(object).matchKeys.length > 0;
}

/**
 * HubSpot itself refuses a second record with the same value of the object's first match
 * property, answering a create with 409 "... already exists. Existing ID: N": email addresses,
 * which HubSpot keeps unique on the records that carry them as their identity (contacts). Creates
 * of such objects need no search first (the 409 names the record to update) and are never
 * answered from the session's memo of creates (a record merged in HubSpot since keeps its email).
 */
export function uniqueInHubSpot(object: ObjectType): boolean {
  return objectDescriptor(object).matchKeys[0]?.normalize === 'email';
}
