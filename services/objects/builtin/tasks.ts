import { activity } from './activity.ts';

export const tasks = activity({
  name: 'tasks',
  singular: 'task',
  label: 'Tasks',
  description:
    "Tasks (HubSpot's tasks engagement object; the timestamp is the due date): matched by link only; carry their contacts, companies and deals. One table per activity type.",
  properties: [
    { name: 'subject', label: 'Subject', type: 'string', hubspot: 'hs_task_subject' },
    { name: 'body', label: 'Notes', type: 'text', hubspot: 'hs_task_body' },
    { name: 'status', label: 'Status', type: 'string', hubspot: 'hs_task_status' },
    { name: 'priority', label: 'Priority', type: 'string', hubspot: 'hs_task_priority' },
  ],
  timestampLabel: 'Due date',
});
