import type { ObjectDescriptor } from '../types.ts';

export const orders: ObjectDescriptor = {
  name: 'orders',
  singular: 'order',
  label: 'Orders',
  description:
    'Sales orders: matched by link only; carry their contacts, primary company and deals.',
  properties: [
    { name: 'name', label: 'Order name', type: 'string' },
    { name: 'amount', label: 'Total', type: 'number' },
    { name: 'currency', label: 'Currency', type: 'string' },
    { name: 'status', label: 'Status', type: 'string' },
  ],
  required: ['name'],
  matchKeys: [],
  displayLabel: [['name']],
  associations: [
    { to: 'contacts', primaryOnly: false },
    { to: 'companies', primaryOnly: true },
    { to: 'deals', primaryOnly: false },
  ],
  emailRule: false,
  hubspot: {
    objectType: 'orders',
    properties: {
      name: 'hs_order_name',
      amount: 'hs_total_price',
      currency: 'hs_currency_code',
      status: 'hs_pipeline_stage',
    },
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: {},
  },
};
