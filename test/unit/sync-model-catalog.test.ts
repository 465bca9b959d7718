import { describe, expect, it } from 'vitest';
import {
  canonicalProperties,
  defaultMappings,
  requiredProperties,
  type Catalog,
} from '../../services/engine/sync-model/index.ts';
import { objectNames } from '../../services/objects/index.ts';

const postgres: Catalog = [
  {
    name: 'contacts',
    fields: [
      { name: 'id', type: 'integer', required: true, canonical: 'pg_id' },
      { name: 'email_address', type: 'text', required: false, canonical: 'email' },
      { name: 'fname', type: 'text', required: false, canonical: 'firstname' },
      { name: 'lastname', type: 'text', required: true },
      { name: 'Phone', type: 'text', required: false },
      { name: 'notes', type: 'text', required: false },
    ],
  },
  {
    name: 'companies',
    fields: [{ name: 'title', type: 'text', required: false, canonical: 'name' }],
  },
];

const hubspot: Catalog = [
  {
    name: 'contacts',
    fields: [
      { name: 'email', type: 'string', required: false },
      { name: 'firstname', type: 'string', required: false },
      { name: 'lastname', type: 'string', required: false },
      { name: 'phone', type: 'string', required: false },
      { name: 'lifecyclestage', type: 'enumeration', required: false },
    ],
  },
  {
    name: 'companies',
    fields: [
      { name: 'name', type: 'string', required: false },
      { name: 'domain', type: 'string', required: false },
    ],
  },
  { name: 'deals', fields: [{ name: 'dealname', type: 'string', required: true }] },
];

describe('canonical properties', () => {
  it('name the reference product’s properties of each object type', () => {
    expect(
      Object.fromEntries(
        ['contacts', 'companies', 'deals'].map((o) => [o, canonicalProperties(o)]),
      ),
    ).toEqual({
      contacts: [
        'email',
        'firstname',
        'lastname',
        'phone',
        'company',
        'city',
        'country',
        'lifecyclestage',
      ],
      companies: ['name', 'domain', 'phone', 'city', 'country', 'industry'],
      deals: ['dealname', 'amount', 'dealstage', 'closedate', 'pipeline'],
    });
  });

  it.each(objectNames())('make the match field of %s one of its canonical properties', (object) => {
    for (const r of requiredProperties(object)) expect(canonicalProperties(object)).toContain(r);
  });
});

describe('default mappings', () => {
  it('pair fields by canonical name (or own name, without case), in side a’s order', () => {
    expect(defaultMappings('contacts', postgres, hubspot)).toEqual([
      { a: 'email_address', b: 'email', enabled: true, required: true },
      { a: 'fname', b: 'firstname', enabled: true, required: false },
      { a: 'lastname', b: 'lastname', enabled: true, required: true },
      { a: 'Phone', b: 'phone', enabled: true, required: false },
    ]);
  });

  it.each([
    ['the match field', 'contacts', 'email_address', true],
    ['a field required on side a', 'contacts', 'lastname', true],
    ['a field required on neither side', 'contacts', 'fname', false],
  ] as const)('mark %s as required: %s', (_label, object, a, required) => {
    const mapping = defaultMappings(object, postgres, hubspot).find((m) => m.a === a);
    expect(mapping?.required).toBe(required);
  });

  it('mark a field required on side b only as required', () => {
    expect(defaultMappings('deals', hubspot, hubspot)).toEqual([
      { a: 'dealname', b: 'dealname', enabled: true, required: true },
    ]);
  });

  it('work the other way round, from side b’s catalog as side a', () => {
    expect(defaultMappings('companies', hubspot, postgres)).toEqual([
      { a: 'name', b: 'title', enabled: true, required: true },
    ]);
  });

  it('leave out fields with no counterpart', () => {
    const names = defaultMappings('contacts', postgres, hubspot).flatMap((m) => [m.a, m.b]);
    expect(names).not.toContain('notes');
    expect(names).not.toContain('lifecyclestage');
    expect(names).not.toContain('id');
  });

  it('pair each field of side b once', () => {
    const twoEmails: Catalog = [
      {
        name: 'contacts',
        fields: [
          { name: 'work_email', type: 'text', required: false, canonical: 'email' },
          { name: 'home_email', type: 'text', required: false, canonical: 'email' },
        ],
      },
    ];
    expect(defaultMappings('contacts', twoEmails, hubspot)).toEqual([
      { a: 'work_email', b: 'email', enabled: true, required: true },
    ]);
  });

  it('are empty when a connection has no such object', () => {
    expect(defaultMappings('deals', postgres, hubspot)).toEqual([]);
  });
});
