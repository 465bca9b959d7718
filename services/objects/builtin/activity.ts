import type { ObjectDescriptor, PropertyDescriptor } from '../types.ts';

/** One kind of activity: what differs between notes, tasks, calls and meetings. */
export interface ActivityKind {
  readonly name: string;
  readonly singular: string;
  readonly label: string;
  readonly description: string;
  /** Its own properties, each with HubSpot's name; `timestamp` and `owner` are added after them. */
  readonly properties: readonly (PropertyDescriptor & { readonly hubspot: string })[];
  /** The label of `timestamp` (a task's is its due date). */
  readonly timestampLabel?: string;
}

/**
 * The descriptor of an activity kind. HubSpot models activities as one CRM object per kind (ADR
 * 0006: one descriptor each), all alike: a `hs_timestamp` required on create (hence `timestamp`
 * is required), an owner, no match key, associations to contacts, companies and deals (none of
 * them primary-only). A database keeps each kind in its own table.
 */
export function activity(kind: ActivityKind): ObjectDescriptor {
  const own = kind.properties.map(({ name, label, type }) => ({ name, label, type }));
  const first = own[0]?.name ?? 'timestamp';
  return {
    name: kind.name,
    singular: kind.singular,
    label: kind.label,
    description: kind.description,
    properties: [
      ...own,
      { name: 'timestamp', label: kind.timestampLabel ?? 'Timestamp', type: 'datetime' },
      { name: 'owner', label: 'Owner', type: 'string' },
    ],
    required: ['timestamp'],
    matchKeys: [],
    displayLabel: [[first], ['timestamp']],
    associations: [
      { to: 'contacts', primaryOnly: false },
      { to: 'companies', primaryOnly: false },
      { to: 'deals', primaryOnly: false },
    ],
    emailRule: false,
    hubspot: {
      objectType: kind.name,
      properties: {
        ...Object.fromEntries(kind.properties.map((p) => [p.name, p.hubspot])),
        timestamp: 'hs_timestamp',
        owner: 'hubspot_owner_id',
      },
      lastModified: 'hs_lastmodifieddate',
      primaryTypeIds: {},
    },
  };
}
