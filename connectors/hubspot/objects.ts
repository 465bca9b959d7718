import { canonicalProperties } from '../../services/engine/sync-model/catalog.ts';
import type { ObjectType } from '../../services/engine/types.ts';
import {
  objectDescriptor,
  objectDescriptors,
  type HubSpotObjectDescriptor,
} from '../../services/objects/index.ts';
import { fieldName, hubspotProperty } from './names.ts';

/**
 * What the connector knows of each CRM object, all read from the object's descriptor
 * (services/objects, its `hubspot` block): the `{objectType}` path segment, the last-modified
 * property (the search default-properties table: contacts carry `lastmodifieddate`, the others
 * `hs_lastmodifieddate`), the properties read by default and the associations it reports/writes.
 */

/** The object's HubSpot part of its descriptor; throws for an object HubSpot has not. */
export function hubspotObject(object: ObjectType): HubSpotObjectDescriptor {
  const hubspot = objectDescriptor(object).hubspot;
  if (!hubspot) throw new Error(`HubSpot has no ${object} object`);
  return hubspot;
}

export function lastModifiedProperty(object: ObjectType): string {
  return hubspotObject(object).lastModified;
}

export const createdProperty = 'createdate';

/** One association an object reports and accepts as `assoc:<to>`. */
export interface AssociationSpec {
  readonly to: ObjectType;
  /** The HubSpot-defined "Primary" association type id (v4), or null where none exists. */
  readonly primaryTypeId: number | null;
}

/**
 * The category of the association types HubSpot defines (as opposed to `USER_DEFINED` labels); a
 * type is identified by its category and its id together.
 */
export const HUBSPOT_DEFINED = 'HUBSPOT_DEFINED';

/**
 * The associations an object reports and accepts, from its descriptor: every association whose
 * target HubSpot has, with the descriptor's HubSpot-defined "Primary" type id ("Associations v4",
 * association type id table, https://developers.hubspot.com/docs/api/crm/associations): contact→
 * company 1, deal→company 5, ticket→company 339, all `HUBSPOT_DEFINED`; the others (deal→contacts,
 * ticket→contacts, order→contacts/company/deals, invoice→contacts) have none and are written with
 * HubSpot's default (unlabeled) type. The primary flag is read only from these ids and that
 * category in v4 answers (`associationTypes: [{category, typeId, label}]`), never from the `type`
 * names of the v3 list API's inline associations, which HubSpot does not document.
 */
export function associationSpecs(object: ObjectType): readonly AssociationSpec[] {
  const d = objectDescriptor(object);
  return d.associations
    .filter((a) => objectDescriptor(a.to).hubspot !== null)
    .map((a) => ({ to: a.to, primaryTypeId: d.hubspot?.primaryTypeIds[a.to] ?? null }));
}

/**
 * Properties the connector keeps for itself (command-key.ts): never in the catalog, never read
 * into a change, never written from a command.
 */
export const COMMAND_ID_PROPERTY = 'tandem_command_id';

export const internalProperties: ReadonlySet<string> = new Set([COMMAND_ID_PROPERTY]);

/**
 * The fields read for an object: the canonical properties plus the config's extras (HubSpot
 * property names, known by their field name: an extra `hs_sku` is the field `sku`, read once).
 * Field names, not HubSpot's: requests translate them (names.ts `hubspotProperties`).
 */
export function readProperties(object: ObjectType, extra: readonly string[] = []): string[] {
  return [
    ...new Set([...canonicalProperties(object), ...extra.map((p) => fieldName(object, p))]),
  ].filter(
    (name) =>
      !internalProperties.has(name) && !internalProperties.has(hubspotProperty(object, name)),
  );
}

/** Properties a search or list must also return for the connector's own bookkeeping. */
export function bookkeepingProperties(object: ObjectType): string[] {
  return [createdProperty, lastModifiedProperty(object)];
}

/** The object's `{objectType}` path segment (`contacts`, a custom object's `p_<name>`). */
export function objectPath(object: ObjectType): string {
  return hubspotObject(object).objectType;
}

/** Every object type whose descriptor describes a HubSpot object, in the registry's order. */
export function hubspotObjectNames(): string[] {
  return objectDescriptors()
    .filter((d) => d.hubspot !== null)
    .map((d) => d.name);
}
