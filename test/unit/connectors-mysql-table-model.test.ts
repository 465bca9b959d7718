import { describe, expect, it } from 'vitest';
import { recordsOf } from '../../connectors/mysql/binlog-stream.ts';
import {
  associationColumn,
  buildTableModel,
  columnOf,
  toRecord,
  type ColumnRow,
} from '../../connectors/mysql/table-model.ts';
import type { AnyBinlogEvent } from '@vlasky/zongji';

const row = (name: string, over: Partial<ColumnRow> = {}): ColumnRow => ({
  COLUMN_NAME: name,
  DATA_TYPE: 'varchar',
  COLUMN_TYPE: 'varchar(255)',
  IS_NULLABLE: 'YES',
  COLUMN_DEFAULT: 'NULL',
  COLUMN_KEY: '',
  EXTRA: '',
  ...over,
});

const contactColumns = [
  row('id', {
    DATA_TYPE: 'bigint',
    COLUMN_TYPE: 'bigint(20)',
    IS_NULLABLE: 'NO',
    COLUMN_DEFAULT: null,
    COLUMN_KEY: 'PRI',
    EXTRA: 'auto_increment',
  }),
  row('email_address', { COLUMN_KEY: 'MUL', COLLATION_NAME: 'utf8mb4_general_ci' }),
  row('firstname'),
  row('nickname', { IS_NULLABLE: 'NO', COLUMN_DEFAULT: null }),
  row('company_id', { DATA_TYPE: 'bigint', COLUMN_TYPE: 'bigint(20)' }),
  row('full', { EXTRA: 'VIRTUAL GENERATED', IS_NULLABLE: 'NO', COLUMN_DEFAULT: null }),
].map(columnOf);

const contacts = buildTableModel(
  'contacts',
  { table: 'people', fields: { email: 'email_address', companyId: 'company_id' } },
  contactColumns,
);

describe('mysql table model', () => {
  it('lists mapped columns under their canonical name and the rest under their own', () => {
    expect(contacts.catalog.fields.map((f) => f.name)).toEqual([
      'email',
      'firstname',
      'nickname',
      'full',
    ]);
    expect(contacts.catalog.fields[0]).toMatchObject({ name: 'email', canonical: 'email' });
    expect(contacts.catalog.fields[1]?.canonical).toBeUndefined();
  });

  it('marks NOT NULL columns without a default required, but not keys or generated columns', () => {
    const required = contacts.catalog.fields.filter((f) => f.required).map((f) => f.name);
    expect(required).toEqual(['nickname']);
  });

  it('keeps the auto-increment key and the company column out of the fields', () => {
    expect(contacts.pk.name).toBe('id');
    expect(contacts.associations.map((a) => [a.to, a.key, a.column.name])).toEqual([
      ['companies', 'companyId', 'company_id'],
    ]);
    expect(associationColumn(contacts, 'companies')?.name).toBe('company_id');
    expect(contacts.byName.has('id')).toBe(false);
    expect(contacts.byName.has('company_id')).toBe(false);
  });

  it('notes which columns an index can match on', () => {
    expect(contacts.byName.get('email')?.column).toMatchObject({
      indexed: true,
      caseInsensitive: true,
    });
    expect(contacts.byName.get('firstname')?.column.indexed).toBe(false);
  });

  it('reads a row as a record with the company as its primary association', () => {
    const record = toRecord(
      contacts,
      { id: '7', email_address: 'a@x', firstname: null, nickname: 'n', company_id: 3, full: 'a' },
      'snapshot',
      1,
    );
    expect(record).toEqual({
      object: 'contacts',
      recordId: '7',
      op: 'snapshot',
      fields: { email: 'a@x', firstname: null, nickname: 'n', full: 'a' },
      associations: [{ object: 'companies', recordId: '3', primary: true }],
      sourceTs: 1,
    });
    const loose = toRecord(contacts, { id: 8, company_id: null }, 'create', 2);
    expect(loose.associations).toEqual([]);
    expect(toRecord(contacts, { id: 8, email_address: 'x' }, 'delete', 3).fields).toEqual({});
  });

  it('rejects tables without a single-column key, unknown mapped columns and name clashes', () => {
    const noKey = contactColumns.map((c) => ({ ...c, primary: false }));
    expect(() => buildTableModel('contacts', { table: 'p' }, noKey)).toThrow(/primary key/);
    expect(() => buildTableModel('contacts', { table: 'p' }, [])).toThrow(/no such table/);
    expect(() =>
      buildTableModel('contacts', { table: 'p', fields: { email: 'nope' } }, contactColumns),
    ).toThrow(/no column nope/);
    expect(() =>
      buildTableModel(
        'contacts',
        { table: 'p', fields: { firstname: 'nickname' } },
        contactColumns,
      ),
    ).toThrow(/two columns/);
  });

  it('keeps a key that is not auto-increment as a writable field', () => {
    const columns = [row('code', { COLUMN_KEY: 'PRI', IS_NULLABLE: 'NO', COLUMN_DEFAULT: null })];
    const model = buildTableModel('companies', { table: 'c' }, columns.map(columnOf));
    expect(model.catalog.fields).toEqual([{ name: 'code', type: 'varchar', required: true }]);
  });
});

describe('mysql table model: association columns of any object', () => {
  const key = row('id', {
    DATA_TYPE: 'bigint',
    COLUMN_TYPE: 'bigint(20)',
    IS_NULLABLE: 'NO',
    COLUMN_DEFAULT: null,
    COLUMN_KEY: 'PRI',
    EXTRA: 'auto_increment',
  });
  const fk = (name: string) => row(name, { DATA_TYPE: 'bigint', COLUMN_TYPE: 'bigint(20)' });
  const orderColumns = [key, row('name'), row('amount'), fk('buyer'), fk('org'), fk('deal_id')].map(
    columnOf,
  );
  const orders = buildTableModel(
    'orders',
    {
      table: 'sales_orders',
      fields: { contactId: 'buyer', companyId: 'org', dealId: 'deal_id' },
    },
    orderColumns,
  );

  it('takes one FK column per association of the descriptor, in its order', () => {
    expect(orders.associations.map((a) => [a.to, a.key, a.column.name])).toEqual([
      ['contacts', 'contactId', 'buyer'],
      ['companies', 'companyId', 'org'],
      ['deals', 'dealId', 'deal_id'],
    ]);
    expect(orders.catalog.fields.map((f) => f.name)).toEqual(['name', 'amount']);
    expect(associationColumn(orders, 'tickets')).toBeUndefined();
  });

  it('reports one primary association per FK column holding an id', () => {
    const record = toRecord(
      orders,
      { id: 1, name: 'O-1', amount: '9.50', buyer: 7, org: null, deal_id: 12n },
      'snapshot',
      0,
    );
    expect(record.associations).toEqual([
      { object: 'contacts', recordId: '7', primary: true },
      { object: 'deals', recordId: '12', primary: true },
    ]);
    expect(record.fields).toEqual({ name: 'O-1', amount: '9.50' });
  });

  it('leaves an association whose key is not configured out, and its column a plain field', () => {
    const partial = buildTableModel(
      'orders',
      { table: 'o', fields: { dealId: 'deal_id' } },
      orderColumns,
    );
    expect(partial.associations.map((a) => a.to)).toEqual(['deals']);
    expect(partial.byName.has('buyer')).toBe(true);
    const products = buildTableModel('products', { table: 'p' }, [key, row('sku')].map(columnOf));
    expect(products.associations).toEqual([]);
  });

  it('rejects an FK column the table lacks, and one column for two associations', () => {
    expect(() =>
      buildTableModel('orders', { table: 'o', fields: { contactId: 'nope' } }, orderColumns),
    ).toThrow(/no column nope \(contactId\)/);
    expect(() =>
      buildTableModel(
        'orders',
        { table: 'o', fields: { contactId: 'buyer', companyId: 'buyer' } },
        orderColumns,
      ),
    ).toThrow(/mapped twice/);
  });

  it('ignores the key of an association the object does not have (companyId of companies)', () => {
    const companies = buildTableModel(
      'companies',
      { table: 'c', fields: { companyId: 'org' } },
      [key, row('name'), fk('org')].map(columnOf),
    );
    expect(companies.associations).toEqual([]);
    expect(companies.catalog.fields.map((f) => f.name)).toEqual(['name', 'org']);
  });
});

describe('mysql binlog row events as records', () => {
  const event = (name: string, rows: unknown[]) =>
    ({ getEventName: () => name, timestamp: 5000, rows }) as unknown as AnyBinlogEvent;

  it('reads inserts as creates, deletes without fields, updates as the after image', () => {
    expect(
      recordsOf(event('writerows', [{ id: 1, email_address: 'a' }]), contacts)[0],
    ).toMatchObject({ op: 'create', recordId: '1', sourceTs: 5000, fields: { email: 'a' } });
    expect(
      recordsOf(event('deleterows', [{ id: 1, email_address: 'a' }]), contacts)[0],
    ).toMatchObject({ op: 'delete', recordId: '1', fields: {} });
    const [update] = recordsOf(
      event('updaterows', [
        { before: { id: 1, firstname: 'a' }, after: { id: 1, firstname: 'b' } },
      ]),
      contacts,
    );
    expect(update).toMatchObject({ op: 'update', recordId: '1', fields: { firstname: 'b' } });
  });

  it('reads a change of the key as a delete of the old record and a create of the new one', () => {
    const records = recordsOf(
      event('updaterows', [{ before: { id: 1 }, after: { id: 2 } }]),
      contacts,
    );
    expect(records.map((r) => [r.op, r.recordId])).toEqual([
      ['delete', '1'],
      ['create', '2'],
    ]);
  });
});
