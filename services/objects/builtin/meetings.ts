import type { ObjectDescriptor } from '../types.ts';

/**
 * HubSpot models activities as one CRM object per kind (ADR 0006: one descriptor each); a
 * database keeps each kind in its own table. HubSpot requires `hs_timestamp` on create, hence
 * `timestamp` is required.
 */
export const meetings: ObjectDescriptor = {
  name: 'meetings',
  singular: 'meeting',
  label: 'Meetings',
  description:
    "Meetings (HubSpot's meetings engagement object): matched by link only; carry their contacts, companies and deals. One table per activity type.",
  properties: [
    { name: 'title', label: 'Title', type: 'string' },
    { name: 'body', label: 'Description', type: 'text' },
    { name: 'start', label: 'Start time', type: 'datetime' },
    { name: 'end', label: 'End time', type: 'datetime' },
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
    objectType: 'meetings',
    properties: {
      title: 'hs_meeting_title',
      body: 'hs_meeting_body',
      start: 'hs_meeting_start_time',
      end: 'hs_meeting_end_time',
      timestamp: 'hs_timestamp',
      owner: 'hubspot_owner_id',
    },
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: {},
  },
};
