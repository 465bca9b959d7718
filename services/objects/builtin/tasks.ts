import type { ObjectDescriptor } from '../types.ts';

/**
 * HubSpot models activities as one CRM object per kind (ADR 0006: one descriptor each); a
 * database keeps each kind in its own table. HubSpot requires `hs_timestamp` on create, hence
 * `timestamp` is required.
 */
export const tasks: ObjectDescriptor = {
  name: 'tasks',
  singular: 'task',
  label: 'Tasks',
  description:
    "Tasks (HubSpot's tasks engagement object; the timestamp is the due date): matched by link only; carry their contacts, companies and deals. One table per activity type.",
  properties: [
    { name: 'subject', label: 'Subject', type: 'string' },
    { name: 'body', label: 'Notes', type: 'text' },
    { name: 'status', label: 'Status', type: 'string' },
    { name: 'priority', label: 'Priority', type: 'string' },
    { name: 'timestamp', label: 'Due date', type: 'datetime' },
    { name: 'owner', label: 'Owner', type: 'string' },
  ],
  required: ['timestamp'],
  matchKeys: [],
  displayLabel: [['subject'], ['timestamp']],
  associations: [
    { to: 'contacts', primaryOnly: false },
    { to: 'companies', primaryOnly: false },
    { to: 'deals', primaryOnly: false },
  ],
  emailRule: false,
  hubspot: {
    objectType: 'tasks',
    properties: {
      subject: 'hs_task_subject',
      body: 'hs_task_body',
      status: 'hs_task_status',
      priority: 'hs_task_priority',
      timestamp: 'hs_timestamp',
      owner: 'hubspot_owner_id',
    },
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: {},
  },
};
