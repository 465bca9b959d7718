import { describe, expect, it } from 'vitest';
import { buildModel, type ColumnInfo } from '../../connectors/postgres/model.ts';
import {
  planCommand,
  splitRuns,
  type PlannedCommand,
} from '../../connectors/postgres/write-plan.ts';
import { insertQuery, matchQuery, updateQuery } from '../../connectors/postgres/write-sql.ts';
import type { SinkCommand } from '../../connectors/sdk/types.ts';

function col(name: string, extra: Partial<ColumnInfo> = {}): ColumnInfo {
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
const int8 = { typeOid: 20, type: 'bigint', castType: 'pg_catalog.int8', category: 'N' };
const contacts = buildModel(
  'contacts',
  { table: 'contacts', fields: { email: 'mail', companyId: 'company_id' } },
  'crm',
  [
    col('id', { ...int8, primary: true }),
    col('mail'),
    col('age', { ...int8, type: 'integer' }),
    col('company_id', int8),
  ],
);
const companies = buildModel('companies', { table: 'companies' }, 'crm', [
  col('id', { ...int8, primary: true }),
  col('name'),
  col('domain'),
]);

function command(over: Partial<SinkCommand>): SinkCommand {
  return {
    commandId: 'c1',
    entityId: 'e1',
    object: 'contacts',
    recordId: null,
    mode: 'create',
    fields: {},
    associations: [],
    ...over,
  };
}

function plan(model = contacts, over: Partial<SinkCommand> = {}, index = 0): PlannedCommand {
  const planned = planCommand(model, command(over), index);
  if (!planned.ok) throw new Error(planned.result.ok ? '' : planned.result.message);
  return planned.plan;
}

describe('postgres write planning', () => {
  it('fails a command with an unknown field, naming it, without throwing', () => {
    const planned = planCommand(contacts, command({ fields: { shoe_size: '9' } }), 0);
    expect(planned).toMatchObject({
      ok: false,
      result: { ok: false, error: { category: 'invalid-value', field: 'shoe_size' } },
    });
  });

  it('writes canonical fields to their columns and the company association to the FK', () => {
    const p = plan(contacts, {
      fields: { email: 'A@B.c', age: '', 'assoc:companies': '12', 'assoc:deals': '5' },
    });
    expect(p.columns.map((c) => c.name)).toEqual(['age', 'company_id', 'mail']);
    expect(p.values).toEqual([null, '12', 'A@B.c']);
    expect(p.match).toMatchObject({ column: { name: 'mail' }, key: 'email:a@b.c', value: 'a@b.c' });
  });

  it('clears the company when the association is null', () => {
    const p = plan(contacts, {
      mode: 'update',
      recordId: '1',
      fields: { 'assoc:companies': null },
    });
    expect(p.values).toEqual([null]);
    expect(p.match).toBeNull();
  });

  it('matches companies by domain, else by name', () => {
    expect(plan(companies, { fields: { name: 'Acme', domain: ' Acme.com ' } }).match?.key).toBe(
      'domain:acme.com',
    );
    expect(plan(companies, { fields: { name: ' Acme Inc.', domain: '' } }).match).toMatchObject({
      column: { name: 'name' },
      key: 'name:acme',
      value: 'acme',
    });
  });

  it('fails updates and deletes that name no record', () => {
    const planned = planCommand(contacts, command({ mode: 'delete', recordId: null }), 0);
    expect(planned.ok).toBe(false);
  });
});

describe('postgres write runs', () => {
  it('groups consecutive commands of the same shape into one run', () => {
    const plans = [1, 2, 3].map((i) =>
      plan(
        contacts,
        { commandId: `c${i}`, mode: 'update', recordId: `${i}`, fields: { age: '1' } },
        i,
      ),
    );
    expect(splitRuns(plans).map((r) => r.commands.length)).toEqual([3]);
  });

  it('starts a new run when the shape changes or a record, key or command repeats', () => {
    const plans = [
      plan(contacts, { commandId: 'a', mode: 'update', recordId: '1', fields: { age: '1' } }, 0),
      plan(contacts, { commandId: 'b', mode: 'update', recordId: '1', fields: { age: '2' } }, 1),
      plan(contacts, { commandId: 'c', mode: 'update', recordId: '2', fields: { email: 'x' } }, 2),
      plan(contacts, { commandId: 'd', fields: { email: 'z@z.io' } }, 3),
      plan(contacts, { commandId: 'e', fields: { email: ' Z@ z.io' } }, 4),
      plan(contacts, { commandId: 'e', fields: { email: 'q@z' } }, 5),
    ];
    expect(splitRuns(plans).map((r) => r.commands.map((c) => c.index))).toEqual([
      [0],
      [1],
      [2],
      [3],
      [4],
      [5],
    ]);
  });

  it('caps the size of a run', () => {
    const plans = Array.from({ length: 5 }, (_, i) =>
      plan(contacts, { commandId: `c${i}`, mode: 'delete', recordId: `${i}` }, i),
    );
    expect(splitRuns(plans, 2).map((r) => r.commands.length)).toEqual([2, 2, 1]);
  });
});

describe('postgres write statements', () => {
  it('updates many records with one statement of text arrays cast to the column types', () => {
    const columns = plan(contacts, { mode: 'update', recordId: '1', fields: { age: '3' } }).columns;
    const q = updateQuery(contacts, columns, [
      { id: '1', values: ['3'] },
      { id: '2', values: [null] },
    ]);
    expect(q.text).toBe(
      'UPDATE "crm"."contacts" AS t SET "age" = v.c0::pg_catalog.int8 FROM unnest($1::text[], $2::text[]) AS v(k, c0) WHERE t."id" = v.k::pg_catalog.int8 RETURNING v.k AS id',
    );
    expect(q.values).toEqual([
      ['1', '2'],
      ['3', null],
    ]);
  });

  it('inserts in order and returns the new ids in that order', () => {
    const q = insertQuery(
      contacts,
      [contacts.byName.get('email')?.column ?? col('x')],
      [['a'], ['b']],
    );
    expect(q.text).toContain('WITH ORDINALITY AS v(c0, n) ORDER BY v.n RETURNING "id" AS id');
    expect(q.values).toEqual([['a', 'b']]);
    expect(insertQuery(contacts, [], []).text).toContain('DEFAULT VALUES');
  });

  it('prefilters emails on the lower-cased column without whitespace', () => {
    const q = matchQuery(contacts, col('mail'), 'email', ['a@b.co']);
    expect(q.text).toContain(
      `WHERE lower(regexp_replace("mail"::text, '\\s', '', 'g')) = ANY ($1::text[]) ORDER BY "id"`,
    );
    expect(q.values).toEqual([['a@b.co']]);
  });
});
