import { describe, expect, it } from 'vitest';
import {
  buildModel,
  catalogObject,
  fieldNameOf,
  type ColumnInfo,
} from '../../connectors/postgres/model.ts';
import { toRecord } from '../../connectors/postgres/records.ts';
import { spec } from '../../connectors/postgres/spec.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import { unknownConfigObjects } from '../../connectors/sdk/table-objects.ts';

function column(name: string, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    name,
    typeOid: 25,
    type: 'text',
    castType: 'pg_catalog.text',
    category: 'S',
    notNull: false,
    hasDefault: false,
    primary: false,
    ...extra,
  };
}

const id = column('id', {
  typeOid: 20,
  type: 'bigint',
  castType: 'pg_catalog.int8',
  category: 'N',
  notNull: true,
  hasDefault: true,
  primary: true,
});
const contactColumns = [
  id,
  column('email_address'),
  column('firstname', { notNull: true }),
  column('company_id', { typeOid: 20, type: 'bigint', castType: 'pg_catalog.int8' }),
  column('vip', { typeOid: 16, type: 'boolean', castType: 'pg_catalog.bool', category: 'B' }),
  column('note', { notNull: true, hasDefault: true }),
];
const contacts = buildModel(
  'contacts',
  { table: 'people', fields: { email: 'email_address', companyId: 'company_id' } },
  'crm',
  contactColumns,
);

describe('postgres table model', () => {
  it('lists mapped columns under their canonical name and others under their own', () => {
    const catalog = catalogObject(contacts);
    expect(catalog.name).toBe('contacts');
    expect(catalog.fields).toEqual([
      { name: 'email', type: 'text', required: false, canonical: 'email' },
      { name: 'firstname', type: 'text', required: true },
      { name: 'vip', type: 'boolean', required: false },
      { name: 'note', type: 'text', required: false },
    ]);
  });

  it('keeps the primary key and the company foreign key out of the fields', () => {
    expect(contacts.key.name).toBe('id');
    expect(contacts.associations.map((a) => [a.to, a.column.name])).toEqual([
      ['companies', 'company_id'],
    ]);
    expect(fieldNameOf(contacts, 'company_id')).toBe('assoc:companies');
    expect(fieldNameOf(contacts, 'email_address')).toBe('email');
    expect(contacts.target).toBe('"crm"."people"');
  });

  it('refuses a missing table, a composite key and a mapping to a missing column', () => {
    expect(() => buildModel('contacts', { table: 't' }, 's', [])).toThrow(/does not exist/);
    expect(() =>
      buildModel('contacts', { table: 't' }, 's', [id, column('b', { primary: true })]),
    ).toThrow(/single-column primary key/);
    expect(() =>
      buildModel('contacts', { table: 't', fields: { email: 'mail' } }, 's', [id]),
    ).toThrow(/does not have/);
  });

  it('refuses a mapping that gives two columns the same field name', () => {
    expect(() =>
      buildModel('contacts', { table: 't', fields: { email: 'mail' } }, 's', [
        id,
        column('mail'),
        column('email'),
      ]),
    ).toThrow(/both be the field "email"/);
  });
});

describe('postgres rows as records', () => {
  it('converts a row to fields under catalog names and the company as an association', () => {
    const record = toRecord(
      contacts,
      'create',
      { id: '7', email_address: 'a@b.c', firstname: 'Ann', company_id: '3', vip: 't', note: null },
      1000,
    );
    expect(record).toEqual({
      object: 'contacts',
      recordId: '7',
      op: 'create',
      fields: { email: 'a@b.c', firstname: 'Ann', vip: 'true', note: null },
      associations: [{ object: 'companies', recordId: '3', primary: true }],
      sourceTs: 1000,
    });
  });

  it('leaves out values the server did not send (unchanged TOAST) and null companies', () => {
    const record = toRecord(
      contacts,
      'update',
      { id: '7', firstname: 'Ann', note: undefined, company_id: null },
      1,
    );
    expect(record?.fields).toEqual({ firstname: 'Ann' });
    expect(record?.associations).toEqual([]);
  });

  it('gives deletes the record id only', () => {
    expect(toRecord(contacts, 'delete', { id: '7' }, 1)).toMatchObject({
      recordId: '7',
      fields: {},
      associations: [],
    });
    expect(toRecord(contacts, 'delete', { email_address: 'x' }, 1)).toBeNull();
  });
});

describe('postgres config spec', () => {
  const base = { host: 'db', database: 'crm', user: 'sync', objects: { contacts: { table: 'c' } } };

  it('fills in the defaults', () => {
    expect(validateConfig(spec, base)).toMatchObject({
      port: 5432,
      schema: 'public',
      heartbeatSeconds: 10,
    });
  });

  it('refuses unknown properties, unknown objects and slot names a slot cannot have', () => {
    expect(() => validateConfig(spec, { ...base, sslmode: 'x' })).toThrow(/config/i);
    // Object names are checked by form here (objects defined through the API come after the
    // spec is compiled); the API and the connect role refuse names the registry does not know.
    expect(() =>
      validateConfig(spec, { ...base, objects: { 'Widgets-1': { table: 't' } } }),
    ).toThrow();
    expect(
      unknownConfigObjects(validateConfig(spec, { ...base, objects: { widgets: { table: 't' } } })),
    ).toEqual(['widgets']);
    expect(() => validateConfig(spec, { ...base, objects: {} })).toThrow();
    expect(() => validateConfig(spec, { ...base, slotName: 'Bad-Name' })).toThrow();
  });
});
