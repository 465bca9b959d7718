import type { ObjectDescriptor } from '../types.ts';

/**
 * Companies match by domain, then by name: when the two point at two different entities, the
 * domain (the more specific) wins. `name` is the required property because every connector has
 * one; a connection without a domain field matches by name only.
 */
export const companies: ObjectDescriptor = {
  name: 'companies',
  singular: 'company',
  label: 'Companies',
  description: 'Organisations: matched by web domain, else by name (legal suffixes ignored).',
  properties: [
    { name: 'name', label: 'Name', type: 'string' },
    { name: 'domain', label: 'Domain', type: 'string' },
    { name: 'phone', label: 'Phone number', type: 'phone' },
    { name: 'city', label: 'City', type: 'string' },
    { name: 'country', label: 'Country', type: 'string' },
    { name: 'industry', label: 'Industry', type: 'string' },
  ],
  required: ['name'],
  matchKeys: [
    { key: 'domain', property: 'domain', normalize: 'domain' },
    { key: 'name', property: 'name', normalize: 'company-name' },
  ],
  displayLabel: [['name'], ['domain']],
  associations: [],
  emailRule: false,
  hubspot: {
    objectType: 'companies',
    properties: {},
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: {},
  },
};
