import type { ObjectDescriptor } from '../types.ts';

/** Invoices are associated with contacts only, as the reference product syncs them. */
export const invoices: ObjectDescriptor = {
  name: 'invoices',
  singular: 'invoice',
  label: 'Invoices',
  description: 'Invoices: matched by link only; associated with contacts only.',
  properties: [
    { name: 'number', label: 'Invoice number', type: 'string' },
    { name: 'amount', label: 'Amount', type: 'number' },
    { name: 'currency', label: 'Currency', type: 'string' },
    { name: 'status', label: 'Status', type: 'string' },
    { name: 'duedate', label: 'Due date', type: 'date' },
  ],
  required: ['number'],
  matchKeys: [],
  displayLabel: [['number']],
  associations: [{ to: 'contacts', primaryOnly: false }],
  emailRule: false,
  hubspot: {
    objectType: 'invoices',
    properties: {
      number: 'hs_number',
      amount: 'hs_amount_billed',
      currency: 'hs_currency',
      status: 'hs_invoice_status',
      duedate: 'hs_due_date',
    },
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: {},
  },
};
