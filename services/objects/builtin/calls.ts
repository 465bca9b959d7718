import type { ObjectDescriptor } from '../types.ts';

/**
 * HubSpot models activities as one CRM object per kind (ADR 0006: one descriptor each); a
 * database keeps each kind in its own table. HubSpot requires `hs_timestamp` on create, hence
 * `timestamp` is required.
 */
export const calls: ObjectDescriptor = {
  name: 'calls',
  singular: 'call',
  label: 'Calls',
  description:
    "Logged calls (HubSpot's calls engagement object): matched by link only; carry their contacts, companies and deals. One table per activity type.",
  properties: [
    { name: 'title', label: 'Title', type: 'string' },
    { name: 'body', label: 'Notes', type: 'text' },
    { name: 'direction', label: 'Direction', type: 'string' },
    { name: 'duration', label: 'Duration (ms)', type: 'number' },
    { name: 'timestamp', label: 'Timestamp', type: 'datetime' },
    { name: 'owner', label: 'Owner', type: 'string' },
  ],
  required: ['timestamp'],
  matchKeys: [],
  displayLabel: [['title'], ['timestamp']],
  associations: [
    { to: 'contacts', primaryOnly: false },
    { to: 'companies', primaryOnly: false },
    { to: 'deals', primaryOnly: false },
  ],
  emailRule: false,
  hubspot: {
    objectType: 'calls',
    properties: {
      title: 'hs_call_title',
      body: 'hs_call_body',
      direction: 'hs_call_direction',
      duration: 'hs_call_duration',
      timestamp: 'hs_timestamp',
      owner: 'hubspot_owner_id',
    },
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: {},
  },
};
