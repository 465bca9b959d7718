import { activity } from './activity.ts';

export const meetings = activity({
  name: 'meetings',
  singular: 'meeting',
  label: 'Meetings',
  description:
    "Meetings (HubSpot's meetings engagement object): matched by link only; carry their contacts, companies and deals. One table per activity type.",
  properties: [
    { name: 'title', label: 'Title', type: 'string', hubspot: 'hs_meeting_title' },
    { name: 'body', label: 'Description', type: 'text', hubspot: 'hs_meeting_body' },
    { name: 'start', label: 'Start time', type: 'datetime', hubspot: 'hs_meeting_start_time' },
    { name: 'end', label: 'End time', type: 'datetime', hubspot: 'hs_meeting_end_time' },
  ],
});
