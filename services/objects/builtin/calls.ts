import { activity } from './activity.ts';

export const calls = activity({
  name: 'calls',
  singular: 'call',
  label: 'Calls',
  description:
    "Logged calls (HubSpot's calls engagement object): matched by link only; carry their contacts, companies and deals. One table per activity type.",
  properties: [
    { name: 'title', label: 'Title', type: 'string', hubspot: 'hs_call_title' },
    { name: 'body', label: 'Notes', type: 'text', hubspot: 'hs_call_body' },
    { name: 'direction', label: 'Direction', type: 'string', hubspot: 'hs_call_direction' },
    { name: 'duration', label: 'Duration (ms)', type: 'number', hubspot: 'hs_call_duration' },
  ],
});
