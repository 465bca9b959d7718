import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMatchKey, matchKeyOf, storedMatchKey } from '../../connectors/mysql/match.ts';
import { objectOrder } from '../../connectors/mysql/schema-load.ts';
import { buildTableModel, columnOf, type ColumnRow } from '../../connectors/mysql/table-model.ts';
import {
  containsPattern,
  matchCollation,
  matchPrefilter,
  matchSql,
} from '../../connectors/mysql/write-sql.ts';
import {
  matchKeys,
  objectDescriptor,
  objectNames,
  type MatchRule,
} from '../../services/objects/index.ts';

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
const products = buildTableModel(
  'products',
  { table: 'catalog', fields: { sku: 'code' } },
  [id, col('name'), col('code'), col('price', { DATA_TYPE: 'decimal' })].map(columnOf),
);

describe('mysql createMatchKey', () => {
  it.each([
    ['products', { sku: ' AB-1 ', name: 'Widget' }, 'sku:ab-1'],
    ['products', { sku: 'ab\t\t 1' }, 'sku:ab 1'],
    ['products', { sku: '   ', name: 'Widget' }, null],
    ['products', { name: 'Widget' }, null],
    [
      'orders',
      { name: 'O-1', 'assoc:contacts': '1', 'assoc:companies': '2', 'assoc:deals': '3' },
      null,
    ],
    ['invoices', { number: 'INV-1', 'assoc:contacts': '4' }, null],
    ['contacts', { email: ' Ann @X.com ' }, 'email:ann@x.com'],
    ['contacts', { email: 'nope' }, null],
    ['companies', { domain: 'https://www.Acme.com/about', name: 'Acme' }, 'domain:acme.com'],
    ['companies', { domain: 'n/a', name: 'ACME Inc.' }, 'name:acme'],
    ['deals', { dealname: 'Big' }, null],
    ['no-such-object', { email: 'a@b.co' }, null],
  ] as const)('%s %j → %s', (object, fields, key) => {
    expect(createMatchKey(object, fields)).toBe(key);
  });

  it("is the resolve stage's first match key, for every object and any fields", () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.string(),
      fc.constantFrom(' A@B.co ', 'www.x.io', 'Acme & Co', 'SKU 1', 'n/a', ''),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...objectNames()),
        fc.dictionary(fc.constantFrom('email', 'domain', 'name', 'sku', 'dealname'), value),
        (object, fields) => {
          const first = matchKeys(objectDescriptor(object), fields)[0] ?? null;
          expect(createMatchKey(object, fields)).toBe(first);
        },
      ),
    );
  });

  it('finds the column of the rule and reads stored values with the same normaliser', () => {
    const match = matchKeyOf(products, { sku: 'Ab  1', name: 'x' });
    expect(match).toMatchObject({ key: 'sku:ab 1', value: 'ab 1', column: { name: 'code' } });
    const rule = match?.rule as MatchRule;
    expect(storedMatchKey(rule, ' AB 1 ')).toBe('sku:ab 1');
    expect(storedMatchKey(rule, null)).toBeNull();
  });
});

describe('mysql match prefilter SQL', () => {
  const column = columnOf(col('v'));
  const folded = (e: string) => `CONVERT(${e} USING utf8mb4) COLLATE utf8mb4_uca1400_ai_ci`;
  const coll = 'utf8mb4_uca1400_ai_ci';

  it.each([
    ['email', `${folded("LOWER(REGEXP_REPLACE(`v`, '[[:space:]]+', ''))")} IN (?, ?)`],
    ['text', `${folded("LOWER(TRIM(REGEXP_REPLACE(`v`, '[[:space:]]+', ' ')))")} IN (?, ?)`],
    [
      'domain',
      `(${folded('LOWER(`v`)')} LIKE ? ESCAPE '!' OR ${folded('LOWER(`v`)')} LIKE ? ESCAPE '!')`,
    ],
  ] as const)('%s', (normalize, where) => {
    expect(matchPrefilter({ normalize }, column, ['a b', 'c'], coll).where).toBe(where);
  });

  it('looks for a company name as its words run together, anywhere among letters and digits', () => {
    const { where, params } = matchPrefilter(
      { normalize: 'company-name' },
      column,
      ['societe generale'],
      coll,
    );
    expect(where).toContain("REGEXP_REPLACE(REPLACE(`v`, '&', 'and'), '[^[:alnum:]]+', '')");
    expect(params).toEqual(['%societegenerale%']);
  });

  it.each([
    ['mariadb', '10.11.19-MariaDB-0+deb12u1-log', 'utf8mb4_uca1400_ai_ci'],
    ['mariadb', '11.4.2-MariaDB', 'utf8mb4_uca1400_ai_ci'],
    ['mariadb', '10.6.18-MariaDB', 'utf8mb4_unicode_520_ci'],
    ['mysql', '8.0.36', 'utf8mb4_0900_ai_ci'],
    ['mysql', '5.7.44-log', 'utf8mb4_unicode_520_ci'],
  ] as const)('compares on %s %s in %s', (flavor, version, collation) => {
    expect(matchCollation({ flavor, version })).toBe(collation);
  });

  it('escapes LIKE wildcards in a value', () => {
    expect(containsPattern('a_b%c!d')).toBe('%a!_b!%c!!d%');
    fc.assert(
      fc.property(fc.string(), (s) => {
        const inner = containsPattern(s).slice(1, -1);
        expect(inner.replace(/!(.)/gsu, '')).not.toMatch(/[%_]/u);
      }),
    );
  });

  it('selects the id and the raw value, lowest id first', () => {
    const rule = { normalize: 'text' } as const;
    expect(matchSql('db', products, rule, column, ['x'], coll).sql).toMatch(
      /^SELECT `id` AS id, `v` AS v FROM `db`.`catalog` WHERE .* ORDER BY `id`$/,
    );
  });
});

describe('mysql object order', () => {
  it('puts association targets first, otherwise keeping the registry order', () => {
    const order = objectOrder();
    expect(order.slice(0, 3)).toEqual(['companies', 'contacts', 'deals']);
    expect([...order].sort()).toEqual([...objectNames()].sort());
    for (const name of order) {
      for (const a of objectDescriptor(name).associations) {
        expect(order.indexOf(a.to), `${a.to} before ${name}`).toBeLessThan(order.indexOf(name));
      }
    }
    expect(objectOrder(['orders', 'products'])).toEqual(['orders', 'products']);
  });
});
