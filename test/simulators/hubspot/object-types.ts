import { validationError } from './errors.ts';
import type { ObjectType } from './types.ts';

/**
 * HubSpot accepts an object's plural name, singular name, or object type id in paths
 * ("Associations v4": "for contacts, companies, deals ... you can use the object name (e.g.,
 * contact, company)"; object type ids 0-1 contacts, 0-2 companies, 0-3 deals).
 */
const ALIASES: Record<string, ObjectType> = {
  contacts: 'contacts',
  contact: 'contacts',
  '0-1': 'contacts',
  companies: 'companies',
  company: 'companies',
  '0-2': 'companies',
  deals: 'deals',
  deal: 'deals',
  '0-3': 'deals',
};

export const OBJECT_TYPE_IDS: Record<ObjectType, string> = {
  contacts: '0-1',
  companies: '0-2',
  deals: '0-3',
};

/** Singular upper-case name HubSpot uses in some messages ("Could not get some CONTACT objects"). */
export const OBJECT_NOUN: Record<ObjectType, string> = {
  contacts: 'CONTACT',
  companies: 'COMPANY',
  deals: 'DEAL',
};

export function resolveObjectType(raw: string): ObjectType {
  const found = ALIASES[raw.toLowerCase()];
  // HubSpot answers an unknown object type with 400 "Unable to infer object type from: <name>".
  if (!found) throw validationError(`Unable to infer object type from: ${raw}`);
  return found;
}
