import type { ObjectDescriptor } from '../types.ts';

export const tickets: ObjectDescriptor = {
  name: 'tickets',
  singular: 'ticket',
  label: 'Tickets',
  description: 'Support tickets: matched by link only; carry their contacts and primary company.',
  properties: [
    { name: 'subject', label: 'Subject', type: 'string' },
    { name: 'content', label: 'Description', type: 'text' },
    { name: 'status', label: 'Status', type: 'string' },
    { name: 'priority', label: 'Priority', type: 'string' },
  ],
  required: ['subject'],
  matchKeys: [],
  displayLabel: [['subject']],
  associations: [
    { to: 'contacts', primaryOnly: false },
    { to: 'companies', primaryOnly: true },
  ],
  emailRule: false,
  hubspot: {
    objectType: 'tickets',
    properties: { status: 'hs_pipeline_stage', priority: 'hs_ticket_priority' },
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: { companies: 339 },
  },
};
