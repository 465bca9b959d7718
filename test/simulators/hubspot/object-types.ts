import { validationError } from './errors.ts';
import { OBJECT_TYPES, served, type ObjectType } from './served-objects.ts';

/**
 * HubSpot accepts an object's plural name, singular name, or object type id in paths
 * ("Associations v4": "for contacts, companies, deals ... you can use the object name (e.g.,
 * contact, company)"; object type ids 0-1 contacts, 0-2 companies, 0-3 deals, 0-5 tickets, 0-7
 * products, 0-123 orders, 0-53 invoices). Derived from the served objects' table.
 */
const ALIASES: Record<string, ObjectType> = Object.fromEntries(
  OBJECT_TYPES.flatMap((type) => {
    const o = served(type);
    return [
      [type, type],
      [o.singular, type],
      [o.typeId, type],
    ];
  }),
);

export const OBJECT_TYPE_IDS = Object.fromEntries(
  OBJECT_TYPES.map((type) => [type, served(type).typeId]),
) as Record<ObjectType, string>;

/** Singular upper-case name HubSpot uses in some messages ("Could not get some CONTACT objects"). */
export const OBJECT_NOUN = Object.fromEntries(
  OBJECT_TYPES.map((type) => [type, served(type).noun]),
) as Record<ObjectType, string>;

export function resolveObjectType(raw: string): ObjectType {
  const found = ALIASES[raw.toLowerCase()];
  // HubSpot answers an unknown object type with 400 "Unable to infer object type from: <name>".
  if (!found) throw validationError(`Unable to infer object type from: ${raw}`);
  return found;
}
