import { validationError } from './errors.ts';
import { OBJECT_TYPES, findCustom, served, type ObjectType } from './served-objects.ts';

/**
 * HubSpot accepts an object's plural name, singular name, or object type id in paths
 * ("Associations v4": "for contacts, companies, deals ... you can use the object name (e.g.,
 * contact, company)"; object type ids 0-1 contacts, 0-2 companies, 0-3 deals, 0-5 tickets, 0-7
 * products, 0-123 orders, 0-53 invoices). Derived from the served objects' table.
 *
 * A custom object is addressed by its object type id (`2-<n>`) or its fully qualified name
 * (`p<portalId>_<name>`) ("Custom objects" guide: `/crm/v3/objects/{objectTypeId}`; the schema
 * API takes "fully qualified name or object type ID"), and by the shorthand `p_<name>`, which
 * names the custom object `<name>` of the account the token belongs to. Only the portal's own
 * custom objects resolve.
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

/** HubSpot's object type id of a served object (`0-1`, a custom object's `2-<n>`). */
export function typeIdOf(type: ObjectType): string {
  return served(type).typeId;
}

/** Singular upper-case name HubSpot uses in some messages ("Could not get some CONTACT objects"). */
export function nounOf(type: ObjectType): string {
  return served(type).noun;
}

export function resolveObjectType(raw: string, portalId?: number): ObjectType {
  const lower = raw.toLowerCase();
  const found = ALIASES[lower];
  if (found) return found;
  if (portalId !== undefined) {
    const name = lower.startsWith('p_') ? `p${portalId}_${lower.slice(2)}` : lower;
    const custom = findCustom(name, portalId);
    if (custom) return custom.name;
  }
  // HubSpot answers an unknown object type with 400 "Unable to infer object type from: <name>".
  throw validationError(`Unable to infer object type from: ${raw}`);
}
