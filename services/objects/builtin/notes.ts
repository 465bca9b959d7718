import { activity } from './activity.ts';

export const notes = activity({
  name: 'notes',
  singular: 'note',
  label: 'Notes',
  description:
    "Notes logged on records (HubSpot's notes engagement object): matched by link only; carry their contacts, companies and deals. One table per activity type — a mixed activities table is not supported.",
  properties: [{ name: 'body', label: 'Body', type: 'text', hubspot: 'hs_note_body' }],
});
