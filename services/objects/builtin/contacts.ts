import type { ObjectDescriptor } from '../types.ts';

export const contacts: ObjectDescriptor = {
  name: 'contacts',
  singular: 'contact',
  label: 'Contacts',
  description: 'People: matched across systems by email address.',
  properties: [
    { name: 'email', label: 'Email', type: 'email' },
    { name: 'firstname', label: 'First name', type: 'string' },
    { name: 'lastname', label: 'Last name', type: 'string' },
    { name: 'phone', label: 'Phone number', type: 'phone' },
    { name: 'company', label: 'Company name', type: 'string' },
    { name: 'city', label: 'City', type: 'string' },
    { name: 'country', label: 'Country', type: 'string' },
    { name: 'lifecyclestage', label: 'Lifecycle stage', type: 'string' },
  ],
  required: ['email'],
  matchKeys: [{ key: 'email', property: 'email', normalize: 'email' }],
  displayLabel: [['email'], ['firstname', 'lastname']],
  associations: [{ to: 'companies', primaryOnly: true }],
  emailRule: true,
  hubspot: {
    objectType: 'contacts',
    properties: {},
    lastModified: 'lastmodifieddate',
    primaryTypeIds: { companies: 1 },
  },
};
