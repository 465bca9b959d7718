import { describe, expect, it } from 'vitest';
import { buildTableModel, columnOf, type ColumnRow } from '../../connectors/mysql/table-model.ts';
import { matchKeyOf } from '../../connectors/mysql/match.ts';
import {
  firstId,
  groupBySet,
  isRejection,
  planCommand,
  type Assignments,
} from '../../connectors/mysql/write-plan.ts';
import { updateParams, updateSql, insertSql } from '../../connectors/mysql/write-sql.ts';
import type { SinkCommand } from '../../connectors/sdk/types.ts';

const col = (name: string, over: Partial<ColumnRow> = {}): ColumnRow => ({
  COLUMN_NAME: name,
  DATA_TYPE: 'varchar',
  COLUMN_TYPE: 'varchar(255)',
  IS_NULLABLE: 'YES',
  COLUMN_DEFAULT: 'NULL',
  COLUMN_KEY: '',
  EXTRA: '',
  ...over,
});
const id = col('id', { DATA_TYPE: 'bigint', COLUMN_KEY: 'PRI', EXTRA: 'auto_increment' });

const contacts = buildTableModel(
  'contacts',
  { table: 'contacts', fields: { email: 'mail', companyId: 'company_id' } },
  [id, col('mail'), col('firstname'), col('company_id', { DATA_TYPE: 'bigint' })].map(columnOf),
);
const companies = buildTableModel(
  'companies',
  { table: 'companies' },
  [id, col('name'), col('domain'), col('full', { EXTRA: 'STORED GENERATED' })].map(columnOf),
);

const command = (over: Partial<SinkCommand>): SinkCommand => ({
  commandId: 'c1',
  entityId: 'e1',
  object: 'contacts',
  recordId: null,
  mode: 'create',
  fields: {},
  associations: [],
  ...over,
});

describe('mysql write planning', () => {
  it('maps catalog names to columns, sorted, and the company association to its column', () => {
    const step = planCommand(
      contacts,
      command({ fields: { firstname: 'Ann', email: ' Ann@X.com ', 'assoc:companies': '42' } }),
    );
    expect(step).toEqual({
      kind: 'create',
      commandId: 'c1',
      set: { columns: ['company_id', 'firstname', 'mail'], values: [42n, 'Ann', ' Ann@X.com '] },
      match: {
        rule: { key: 'email', property: 'email', normalize: 'email' },
        column: contacts.byName.get('email')?.column,
        value: 'ann@x.com',
        key: 'email:ann@x.com',
      },
    });
  });

  it('ignores associations to objects the table has no column for', () => {
    const step = planCommand(contacts, command({ fields: { 'assoc:deals': '1', firstname: 'a' } }));
    expect(!isRejection(step) && step.kind === 'create' && step.set.columns).toEqual(['firstname']);
  });

  it('clears the company when the association is null', () => {
    const step = planCommand(
      contacts,
      command({ mode: 'update', recordId: '5', fields: { 'assoc:companies': null } }),
    );
    expect(step).toMatchObject({ kind: 'update', recordId: '5', set: { values: [null] } });
  });

  it('rejects unknown and generated fields with invalid-value naming the field', () => {
    const unknown = planCommand(contacts, command({ fields: { shoe_size: '44' } }));
    expect(unknown).toMatchObject({ error: { category: 'invalid-value', field: 'shoe_size' } });
    const generated = planCommand(
      companies,
      command({ object: 'companies', fields: { full: 'x' } }),
    );
    expect(generated).toMatchObject({ error: { category: 'invalid-value', field: 'full' } });
  });

  it('turns an update without a record id into a create, and needs an id to delete', () => {
    expect(planCommand(contacts, command({ mode: 'update' }))).toMatchObject({ kind: 'create' });
    expect(isRejection(planCommand(contacts, command({ mode: 'delete' })))).toBe(true);
    expect(planCommand(contacts, command({ mode: 'delete', recordId: '9' }))).toEqual({
      kind: 'delete',
      commandId: 'c1',
      recordId: '9',
    });
  });

  it('matches companies by domain, else by name, and contacts only by a valid email', () => {
    expect(matchKeyOf(companies, { name: 'Acme', domain: ' ACME.com' })?.key).toBe(
      'domain:acme.com',
    );
    expect(matchKeyOf(companies, { name: ' Acme Inc. ', domain: '  ' })?.key).toBe('name:acme');
    expect(matchKeyOf(contacts, { email: '' })).toBeNull();
    expect(matchKeyOf(contacts, { email: 'not an email' })).toBeNull();
    expect(matchKeyOf(contacts, { firstname: 'x' })).toBeNull();
  });

  it('sets an FK column to the first of the comma-joined ids; none clears it', () => {
    expect(firstId('4, 5')).toBe('4');
    expect(firstId(' 4 ')).toBe('4');
    expect(firstId('')).toBeNull();
    expect(firstId(null)).toBeNull();
    const step = planCommand(
      contacts,
      command({ mode: 'update', recordId: '5', fields: { 'assoc:companies': '8,9' } }),
    );
    expect(step).toMatchObject({ set: { columns: ['company_id'], values: [8n] } });
  });
});

describe('mysql write batching', () => {
  const set = (...columns: string[]): Assignments => ({ columns, values: columns });

  it('groups runs by column set, capped in length', () => {
    const items = [set('a'), set('b'), set('a'), set('a')].map((s, i) => ({ set: s, i }));
    const runs = groupBySet(items, 2).map((run) => run.map((x) => x.i));
    expect(runs).toEqual([[0, 2], [1], [3]]);
  });

  it('keeps changes of one record in command order across runs', () => {
    const items = [
      { set: set('a'), key: 'q', i: 0 },
      { set: set('b'), key: 'r', i: 1 },
      { set: set('a'), key: 'r', i: 2 },
      { set: set('a'), key: 'q', i: 3 },
    ];
    const runs = groupBySet(items, 100).map((run) => run.map((x) => x.i));
    expect(runs).toEqual([[0], [1], [2, 3]]);
  });

  it('builds a multi-row UPDATE with a CASE per column and its parameters in order', () => {
    expect(updateSql('', 'db', contacts, ['firstname', 'mail'], 2)).toBe(
      'UPDATE `db`.`contacts` SET `firstname` = CASE `id` WHEN ? THEN ? WHEN ? THEN ? END, `mail` = CASE `id` WHEN ? THEN ? WHEN ? THEN ? END WHERE `id` IN (?, ?)',
    );
    const params = updateParams<string | number>(
      [
        { key: 1, values: ['a', 'x'] },
        { key: 2, values: ['b', 'y'] },
      ],
      2,
    );
    expect(params).toEqual([1, 'a', 2, 'b', 1, 'x', 2, 'y', 1, 2]);
    expect(updateParams<string | number>([{ key: 1, values: ['a'] }], 1)).toEqual(['a', 1]);
  });

  it('tags inserts and asks MariaDB for the new keys', () => {
    expect(insertSql('/* t */ ', 'db', contacts, ['mail'], 2, true)).toBe(
      '/* t */ INSERT INTO `db`.`contacts` (`mail`) VALUES (?), (?) RETURNING `id`',
    );
  });
});
