import type { ObjectType } from '../../services/engine/types.ts';
import { objectPath } from './objects.ts';

/**
 * The private-app scopes an object needs, for hints. A custom object (the descriptor's
 * `hubspot.objectType` is its object type id `2-<n>`, its fully qualified name
 * `p<portalId>_<name>` or the shorthand `p_<name>`) is covered by the custom-object scopes
 * ("Custom objects" guide / scopes reference: `crm.objects.custom.read`,
 * `crm.objects.custom.write`, and `crm.schemas.custom.write` to change its schema, properties
 * included); the built-in objects by their own (`crm.objects.<objectType>.read`, tickets by
 * `tickets`; README "Scopes"). Pure.
 */

const CUSTOM_TYPE_ID = /^2-\d+$/;
const CUSTOM_NAME = /^p\d*_[a-z][a-z0-9_]*$/i;

/** Whether a `{objectType}` path segment names a custom object rather than a built-in one. */
export function isCustomObjectType(objectType: string): boolean {
  return CUSTOM_TYPE_ID.test(objectType) || CUSTOM_NAME.test(objectType);
}

/** Whether the object's descriptor names a HubSpot custom object. */
export function isCustomObject(object: ObjectType): boolean {
  return isCustomObjectType(objectPath(object));
}

/**
 * Activities (engagements) have no scopes of their own: HubSpot's notes, tasks, calls and
 * meetings guides ask for the contacts scopes.
 */
const ENGAGEMENTS: ReadonlySet<string> = new Set(['notes', 'tasks', 'calls', 'meetings']);

/** The scopes that let a private app read and write the object's records. */
export function objectScopes(object: ObjectType): readonly string[] {
  const path = objectPath(object);
  if (isCustomObjectType(path)) return ['crm.objects.custom.read', 'crm.objects.custom.write'];
  if (path === 'tickets') return ['tickets'];
  if (ENGAGEMENTS.has(path)) return ['crm.objects.contacts.read', 'crm.objects.contacts.write'];
  return [`crm.objects.${path}.read`, `crm.objects.${path}.write`];
}

/** The scope that lets a private app create the object's properties. */
export function schemaScope(object: ObjectType): string {
  const path = objectPath(object);
  if (isCustomObjectType(path)) return 'crm.schemas.custom.write';
  // Not confirmed in HubSpot's docs for activities: their properties are assumed to follow the
  // contacts schema scope, as their records follow the contacts object scopes.
  return ENGAGEMENTS.has(path) ? 'crm.schemas.contacts.write' : `crm.schemas.${path}.write`;
}
