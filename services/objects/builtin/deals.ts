import type { ObjectDescriptor } from '../types.ts';

/** Deals match through the identity map's links only; `dealname` is what a CRM needs to create one. */
export const deals: ObjectDescriptor = {
  name: 'deals',
  singular: 'deal',
  label: 'Deals',
  description:
    'Sales opportunities: matched by link only; carry their primary company and contacts.',
  properties: [
    { name: 'dealname', label: 'Deal name', type: 'string' },
    { name: 'amount', label: 'Amount', type: 'number' },
    { name: 'dealstage', label: 'Deal stage', type: 'string' },
    { name: 'closedate', label: 'Close date', type: 'datetime' },
    { name: 'pipeline', label: 'Pipeline', type: 'string' },
  ],
  required: ['dealname'],
  matchKeys: [],
  displayLabel: [['dealname']],
  associations: [
    { to: 'companies', primaryOnly: true },
    { to: 'contacts', primaryOnly: false },
  ],
  emailRule: false,
  hubspot: {
    objectType: 'deals',
    properties: {},
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: { companies: 5 },
  },
};
