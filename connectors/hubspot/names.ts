import type { ObjectType } from '../../services/engine/types.ts';
import { hubspotName, objectDescriptor } from '../../services/objects/index.ts';

/**
 * Field names ↔ HubSpot property names. The connector's catalog, change events and write commands
 * name a property by its canonical name where the object's descriptor renames it (`sku`, which
 * HubSpot calls `hs_sku`; a ticket's `status`, HubSpot's `hs_pipeline_stage`), so default mappings
 * pair it with a database's `sku` column and the resolve stage's match keys find it; every other
 * property keeps HubSpot's name. Requests use HubSpot's names. Pure.
 *
 * A HubSpot property whose own name is a renamed canonical name (a custom `status` property on
 * tickets) is shadowed: the field `status` means `hs_pipeline_stage`, and the custom property is
 * neither listed nor read nor written.
 */

function renames(object: ObjectType): Readonly<Record<string, string>> {
  return objectDescriptor(object).hubspot?.properties ?? {};
}

/** HubSpot's name of a field (`sku` → `hs_sku`; any other name is itself). */
export function hubspotProperty(object: ObjectType, field: string): string {
  return hubspotName(objectDescriptor(object), field);
}

/** The field a HubSpot property is known by (`hs_sku` → `sku`; any other name is itself). */
export function fieldName(object: ObjectType, property: string): string {
  for (const [canonical, name] of Object.entries(renames(object))) {
    if (name === property) return canonical;
  }
  return property;
}

/** A HubSpot property whose name a renamed canonical field takes (see above). */
export function isShadowed(object: ObjectType, property: string): boolean {
  const to = renames(object)[property];
  return to !== undefined && to !== property;
}

/** HubSpot's names of some fields, in order, without repeats. */
export function hubspotProperties(object: ObjectType, fields: readonly string[]): string[] {
  return [...new Set(fields.map((f) => hubspotProperty(object, f)))];
}
