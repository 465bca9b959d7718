import type { ObjectDescriptor, PropertyDescriptor } from '../../services/objects/index.ts';

/**
 * The test's custom object type, `memberships`, in the three shapes it takes: the body of
 * `POST /v1/objects` (how a user defines it), the HubSpot custom object schema it is synced with
 * (`POST /crm/v3/schemas`, HubSpot's public "Custom objects" guide), and the descriptor the
 * database fixtures lay their tables out from (object-tables.ts). All three are written from the
 * same property list, so the tables, the HubSpot schema and the API definition cannot drift.
 */
export const MEMBERSHIPS = 'memberships';

export const membershipProperties: readonly PropertyDescriptor[] = [
  { name: 'code', label: 'Membership code', type: 'string' },
  { name: 'plan', label: 'Plan', type: 'string' },
  { name: 'seats', label: 'Seats', type: 'number' },
  { name: 'status', label: 'Status', type: 'string' },
];

/** The canonical property names, in order. */
export const membershipPropertyNames = membershipProperties.map((p) => p.name);

const description =
  'Test-only custom object defined through POST /v1/objects: a membership, matched by its code (text-normalised), associated with contacts.';

/** `POST /v1/objects`: matched by `code` (normalised as text), associated with contacts. */
export function membershipsBody(hubspotObjectType: string): Record<string, unknown> {
  return {
    name: MEMBERSHIPS,
    singular: 'membership',
    label: 'Memberships',
    description,
    properties: membershipProperties,
    required: ['code'],
    matchKey: { property: 'code', normalize: 'text' },
    associations: [{ to: 'contacts', primaryOnly: false }],
    hubspot: { objectType: hubspotObjectType },
  };
}

/**
 * The same object as a descriptor, for the database fixtures' tables only (a `contact_id` FK
 * column, configured under `contactId`); the running roles know it from the API, not from here.
 */
export const membershipsDescriptor: ObjectDescriptor = {
  name: MEMBERSHIPS,
  singular: 'membership',
  label: 'Memberships',
  description,
  properties: membershipProperties,
  required: ['code'],
  matchKeys: [{ key: 'code', property: 'code', normalize: 'text' }],
  displayLabel: [['code']],
  associations: [{ to: 'contacts', primaryOnly: false }],
  emailRule: false,
  hubspot: null,
};

/** HubSpot's `fieldType` for a property type (text fields, number fields). */
const fieldType = (type: PropertyDescriptor['type']) => (type === 'number' ? 'number' : 'text');

/**
 * `POST /crm/v3/schemas` ("Create a custom object"): the object's name, labels, display and
 * required properties, its properties and `associatedObjects: ['CONTACT']`. HubSpot answers with
 * the object's `objectTypeId` (`2-<n>`), the `{objectType}` path segment of its records.
 */
export const membershipsSchema = {
  name: 'memberships',
  description,
  labels: { singular: 'Membership', plural: 'Memberships' },
  primaryDisplayProperty: 'code',
  secondaryDisplayProperties: ['plan'],
  requiredProperties: ['code'],
  searchableProperties: ['code'],
  properties: membershipProperties.map((p) => ({
    name: p.name,
    label: p.label,
    type: p.type === 'number' ? 'number' : 'string',
    fieldType: fieldType(p.type),
  })),
  associatedObjects: ['CONTACT'],
};
