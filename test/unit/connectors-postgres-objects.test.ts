import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMatchKey } from '../../connectors/postgres/match.ts';
import {
  buildModel,
  catalogObject,
  fieldNameOf,
  type ColumnInfo,
} from '../../connectors/postgres/model.ts';
import { orderByAssociations } from '../../connectors/postgres/object-order.ts';
import { toRecord } from '../../connectors/postgres/records.ts';
import type { PostgresConfig } from '../../connectors/postgres/spec.ts';
import { configuredObjects } from '../../connectors/postgres/tables.ts';
import { planCommand, type PlannedCommand } from '../../connectors/postgres/write-plan.ts';
import { compactName, matchFilter, matchQuery } from '../../connectors/postgres/write-sql.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import type { SinkCommand } from '../../connectors/sdk/types.ts';
import type { Fields } from '../../services/engine/types.ts';
import {
  matchKeys,
  normalizeCompanyName,
  objectDescriptor,
  objectNames,
} from '../../services/objects/index.ts';

/** The postgres connector over every object type: order, association columns, matching. */

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
const numeric = { typeOid: 1700, type: 'numeric', castType: 'pg_catalog.numeric', category: 'N' };
const id = col('id', { ...int8, primary: true, notNull: true, hasDefault: true });

const orders = buildModel(
  'orders',
  {
    table: 'sales_orders',
    fields: { contactId: 'buyer_id', companyId: 'company_id', dealId: 'deal_id', name: 'title' },
  },
  'shop',
  [
    id,
    col('title', { notNull: true }),
    col('amount', numeric),
    col('buyer_id', int8),
    col('company_id', int8),
    col('deal_id', int8),
  ],
);
const products = buildModel('products', { table: 'products' }, 'shop', [
  id,
  col('name'),
  col('sku'),
  col('price', numeric),
]);

function command(over: Partial<SinkCommand>): SinkCommand {
  return {
    commandId: 'c1',
    entityId: 'e1',
    object: 'orders',
    recordId: null,
    mode: 'create',
    fields: {},
    associations: [],
    ...over,
  };
}

function plan(model = orders, over: Partial<SinkCommand> = {}): PlannedCommand {
  const planned = planCommand(model, command(over), 0);
  if (!planned.ok) throw new Error(planned.result.ok ? '' : planned.result.message);
  return planned.plan;
}

describe('postgres object order', () => {
  it('configures every object type of the descriptors, association targets first', () => {
    const objects = Object.fromEntries(objectNames().map((o) => [o, { table: o }]));
    const order = configuredObjects({ objects } as unknown as PostgresConfig);
    expect([...order].sort()).toEqual([...objectNames()].sort());
    for (const [i, object] of order.entries()) {
      for (const { to } of objectDescriptor(object).associations) {
        expect(order.indexOf(to), `${to} before ${object}`).toBeLessThan(i);
      }
    }
    expect(order).toEqual([
      'companies',
      'contacts',
      'deals',
      'products',
      'tickets',
      'orders',
      'invoices',
      'notes',
      'tasks',
      'calls',
      'meetings',
    ]);
    const some = { objects: { deals: { table: 'd' }, contacts: { table: 'c' } } };
    expect(configuredObjects(some as unknown as PostgresConfig)).toEqual(['contacts', 'deals']);
  });

  it('puts targets first, keeps the order otherwise, and survives cycles (property)', () => {
    const letters = ['a', 'b', 'c', 'd', 'e', 'f'];
    const graph = fc
      .uniqueArray(fc.constantFrom(...letters), { minLength: 1 })
      .chain((names: readonly string[]) =>
        fc.tuple(
          fc.constant(names),
          fc.shuffledSubarray([...names], { minLength: names.length }),
          fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom(...names, 'zz'))),
        ),
      );
    fc.assert(
      fc.property(graph, ([names, hidden, edges]) => {
        const targetsIn = (list: readonly (readonly [string, string])[]) => (n: string) =>
          list.filter(([from]) => from === n).map(([, to]) => to);
        // Any graph, cycles too: a permutation of the names.
        const any = orderByAssociations(names, targetsIn(edges));
        expect([...any].sort()).toEqual([...names].sort());
        // An acyclic graph (edges only down a hidden order): every target first.
        const rank = (n: string) => hidden.indexOf(n);
        const down = edges.filter(([from, to]) => to === 'zz' || rank(to) < rank(from));
        const order = orderByAssociations(names, targetsIn(down));
        for (const [from, to] of down) {
          if (to !== 'zz' && to !== from) {
            expect(order.indexOf(to)).toBeLessThan(order.indexOf(from));
          }
        }
        // Without associations, or with targets already first, nothing moves.
        expect(orderByAssociations(names, () => [])).toEqual(names);
        const early = edges.filter(([from, to]) => names.indexOf(to) < names.indexOf(from));
        expect(orderByAssociations(names, targetsIn(early))).toEqual(names);
      }),
    );
  });
});

describe('postgres association columns', () => {
  it('takes every association of the descriptor from `<singular>Id`, not as fields', () => {
    expect(orders.associations.map((a) => [a.to, a.column.name])).toEqual([
      ['contacts', 'buyer_id'],
      ['companies', 'company_id'],
      ['deals', 'deal_id'],
    ]);
    expect(catalogObject(orders).fields.map((f) => f.name)).toEqual(['name', 'amount']);
    expect(fieldNameOf(orders, 'buyer_id')).toBe('assoc:contacts');
    expect(fieldNameOf(orders, 'deal_id')).toBe('assoc:deals');
    expect(fieldNameOf(orders, 'title')).toBe('name');
    expect(orders.selectList).toBe('"id", "buyer_id", "company_id", "deal_id", "title", "amount"');
  });

  it('refuses an association key naming a missing column with TANDEM_E_POSTGRES_COLUMN', () => {
    const build = () =>
      buildModel('orders', { table: 'o', fields: { dealId: 'deal' } }, 's', [id, col('name')]);
    expect(build).toThrow(ConnectorError);
    expect(build).toThrow(expect.objectContaining({ code: 'TANDEM_E_POSTGRES_COLUMN' }));
  });

  it('keeps a `<singular>Id` of an association the object lacks as a plain column', () => {
    const model = buildModel('companies', { table: 'c', fields: { contactId: 'owner' } }, 's', [
      id,
      col('name'),
      col('owner', int8),
    ]);
    expect(model.associations).toEqual([]);
    expect(model.fields.map((f) => [f.name, f.canonical])).toEqual([
      ['name', undefined],
      ['owner', undefined],
    ]);
  });

  it('reports one primary association per foreign key that holds a value', () => {
    const record = toRecord(
      orders,
      'snapshot',
      { id: '9', title: 'O-1', amount: '12.50', buyer_id: '4', company_id: null, deal_id: '7' },
      5,
    );
    expect(record).toEqual({
      object: 'orders',
      recordId: '9',
      op: 'snapshot',
      fields: { name: 'O-1', amount: '12.50' },
      associations: [
        { object: 'contacts', recordId: '4', primary: true },
        { object: 'deals', recordId: '7', primary: true },
      ],
      sourceTs: 5,
    });
  });

  it('writes each `assoc:<to>` to its column (the first id), ignores others, clears on null', () => {
    const p = plan(orders, {
      fields: {
        name: 'O-2',
        'assoc:contacts': '5, 6',
        'assoc:companies': '3',
        'assoc:deals': null,
        'assoc:tickets': '1',
      },
    });
    expect(p.columns.map((c) => c.name)).toEqual(['buyer_id', 'company_id', 'deal_id', 'title']);
    expect(p.values).toEqual(['5', '3', null, 'O-2']);
    expect(p.match).toBeNull();
  });
});

describe('postgres create-matching', () => {
  it('matches products by SKU, case and spacing ignored', () => {
    const p = plan(products, { object: 'products', fields: { name: 'W', sku: '  Ab-12\t X ' } });
    expect(p.match).toMatchObject({
      column: { name: 'sku' },
      key: 'sku:ab-12 x',
      value: 'ab-12 x',
    });
    expect(createMatchKey('products', { sku: 'AB-12  x' })).toBe('sku:ab-12 x');
    expect(createMatchKey('products', { sku: '   ' })).toBeNull();
    expect(createMatchKey('orders', { name: 'O-1' })).toBeNull();
  });

  it('is the resolve stage first match key for every object (property)', () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.string(),
      fc.constantFrom(' A@B.io ', 'https://www.Acme.com/x', 'Acme Inc.', 'n/a', ' SKU 1 '),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...objectNames()),
        fc.dictionary(fc.constantFrom('email', 'domain', 'name', 'sku', 'other'), value),
        (object, fields: Fields) => {
          expect(createMatchKey(object, fields)).toBe(
            matchKeys(objectDescriptor(object), fields)[0] ?? null,
          );
        },
      ),
    );
  });

  it('prefilters each normalisation with one statement and confirms in JS', () => {
    const sku = matchQuery(products, col('sku'), 'text', ['ab 1']);
    expect(sku.text).toBe(
      `SELECT "id"::text AS id, "sku"::text AS value FROM "shop"."products" WHERE ` +
        `lower(btrim(regexp_replace("sku"::text, '\\s+', ' ', 'g'))) = ANY ($1::text[]) ORDER BY "id"`,
    );
    expect(matchFilter('domain', '"d"').params(['a_b.com', '50%.io'])).toEqual([
      '%a\\_b.com%',
      '%50\\%.io%',
    ]);
    expect(matchFilter('company-name', '"n"').params(['societe generale'])).toEqual([
      'societegenerale%',
    ]);
  });

  it('folds company names to a prefix of the folded full name (property)', () => {
    // What the SQL fold keeps of a name, as far as JS can say: NFKD, & as and, ASCII alnum.
    const sqlFold = (v: string) =>
      v
        .normalize('NFKD')
        .replace(/&/gu, 'and')
        .toLowerCase()
        .replace(/[^a-z0-9]/gu, '');
    const word = fc.constantFrom('Acme', 'Société', 'Générale', 'Smith', '&', 'Co.', 'Inc', 'AG');
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
        const name = words.join(' ');
        const normalised = normalizeCompanyName(name);
        if (normalised !== null)
          expect(sqlFold(name).startsWith(compactName(normalised))).toBe(true);
      }),
    );
  });
});
