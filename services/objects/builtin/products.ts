import type { ObjectDescriptor } from '../types.ts';

export const products: ObjectDescriptor = {
  name: 'products',
  singular: 'product',
  label: 'Products',
  description: 'The product library: matched by SKU (case and spacing ignored).',
  properties: [
    { name: 'name', label: 'Name', type: 'string' },
    { name: 'sku', label: 'SKU', type: 'string' },
    { name: 'price', label: 'Unit price', type: 'number' },
    { name: 'description', label: 'Description', type: 'text' },
  ],
  required: ['sku'],
  matchKeys: [{ key: 'sku', property: 'sku', normalize: 'text' }],
  displayLabel: [['name'], ['sku']],
  associations: [],
  emailRule: false,
  hubspot: {
    objectType: 'products',
    properties: { sku: 'hs_sku' },
    lastModified: 'hs_lastmodifieddate',
    primaryTypeIds: {},
  },
};
