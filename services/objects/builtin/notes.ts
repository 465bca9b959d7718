import type { ObjectDescriptor } from '../types.ts';

/**
 * HubSpot models activities as one CRM object per kind (ADR 0006: one descriptor each); a
 * database keeps each kind in its own table. HubSpot requires `hs_timestamp` on create, hence
 * `timestamp` is required.
 */
export const notes: ObjectDescriptor = {
  name: 'notes',
  singular: 'note',
  label: 'Notes',
  description:
    "Notes logged on records (HubSpot's notes engagement object): matched by link only; carry their contacts, companies and deals. One table per activity type — a mixed activities table is not supported.",
  properties: [
    { name: 'body', label: 'Body', type: 'text' },
    { name: 'timestamp', label: 'Timestamp', type: 'datetime' },
    { name: 'owner', label: 'Owner', type: 'string' },
  ],
  required: ['timestamp'],
  matchKeys: [],
  displayLabel: [['body'], ['timestamp']],
  associations: [
    { to: 'contacts', primaryOnly: false },
    { to: 'companies', primaryOnly: false },
    { to: 'deals', primaryOnly: false },
  ],
  emailRule: false,
  hubspot: {
    objectType: 'notes',
    properties: {
      body: 'hs_note_body',
      timestamp: 'hs_timestamp',
      owner: 'hubspot_owner_id',
    },
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: {},
  },
};
