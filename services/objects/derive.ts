import { objectDescriptor } from './registry.ts';
import type { ObjectDescriptor } from './types.ts';
import type { Fields } from '../engine/types.ts';

/** The canonical property names of an object, in the descriptor's order. */
export function propertyNames(object: ObjectDescriptor): readonly string[] {
  return object.properties.map((p) => p.name);
}

/**
 * The config key a database connection names the foreign-key column of an association by:
 * `<singular of the target>Id` (`companyId`, `contactId`, `dealId`).
 */
export function associationKey(to: string): string {
  return `${objectDescriptor(to).singular}Id`;
}

/** How a person recognises the record (descriptor `displayLabel`), or null when nothing is set. */
export function displayLabel(object: ObjectDescriptor, fields: Fields): string | null {
  for (const alternative of object.displayLabel) {
    const parts = alternative.map((p) => fields[p]?.trim() ?? '').filter((v) => v !== '');
    if (parts.length > 0) return parts.join(' ');
  }
  return null;
}

/** HubSpot's internal name of a canonical property (`sku` → `hs_sku`); itself where not renamed. */
export function hubspotName(object: ObjectDescriptor, canonical: string): string {
  return object.hubspot?.properties[canonical] ?? canonical;
}
