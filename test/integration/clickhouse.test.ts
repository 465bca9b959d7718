import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type ClickHouseClient,
  type SqlFragment,
  identifier,
  joinSql,
  openClickHouse,
  queryRows,
  runStatement,
  sql,
  tuple,
  waitUntilReady,
} from '../../services/clickhouse/index.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { nastyString } from '../support/clickhouse-literals.ts';

/** Doubles ClickHouse 18.16 can read from SQL text: zero and the normal ones. */
const readableDouble = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((v) => v === 0 || Math.abs(v) >= 2 ** -1022);

/** Unquoted 64-bit integers in JSON, so numbers come back as numbers. */
const numericJson = { output_format_json_quote_64bit_integers: 0 } as const;

const database = uniqueName('clickhouse');
let client: ClickHouseClient | undefined;

function db(): ClickHouseClient {
  if (client === undefined) throw new Error('the ClickHouse client did not open');
  return client;
}

beforeAll(async () => {
  client = openClickHouse({ url: endpoints().clickhouseUrl });
  await waitUntilReady(client, { timeoutMs: 120_000 });
  await runStatement(client, sql`CREATE DATABASE ${identifier(database)}`);
});

afterAll(async () => {
  if (client === undefined) return;
  await runStatement(client, sql`DROP DATABASE IF EXISTS ${identifier(database)}`);
  await client.close();
});

/** One SELECT with a column per value, `c<i>` holding `expression(value, i)`. */
async function selectColumns(
  values: readonly unknown[],
  expression: (value: unknown, alias: SqlFragment) => SqlFragment = (value) => sql`${value}`,
): Promise<Record<string, unknown>> {
  const columns = values.map((value, i) => {
    const alias = identifier(`c${i}`);
    return sql`${expression(value, alias)} AS ${alias}`;
  });
  const [row] = await queryRows<Record<string, unknown>>(
    db(),
    sql`SELECT ${joinSql(columns)}`,
    numericJson,
  );
  if (row === undefined) throw new Error('SELECT returned no row');
  return row;
}

describe('literals on the real server', () => {
  it('read back as the bound string, byte for byte, for hundreds of arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(nastyString, { minLength: 100, maxLength: 100 }), async (batch) => {
        const texts = await selectColumns(batch);
        const bytes = await selectColumns(batch, (value) => sql`hex(${value})`);
        batch.forEach((value, i) => {
          expect(texts[`c${i}`]).toBe(value);
          expect(bytes[`c${i}`]).toBe(Buffer.from(value, 'utf8').toString('hex').toUpperCase());
        });
      }),
      { numRuns: 4 },
    );
  });

  it('read back as the bound double', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(readableDouble, { minLength: 100, maxLength: 100 }),
        async (batch) => {
          const row = await selectColumns(batch);
          batch.forEach((value, i) => expect(row[`c${i}`]).toBe(value === 0 ? 0 : value));
        },
      ),
      { numRuns: 5 },
    );
  });

  it('read back as the bound bigint across the Int64 and UInt64 range', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), {
          minLength: 100,
          maxLength: 100,
        }),
        async (batch) => {
          const row = await selectColumns(batch, (value) => sql`toString(${value})`);
          batch.forEach((value, i) => expect(row[`c${i}`]).toBe(value.toString()));
        },
      ),
      { numRuns: 2 },
    );
  });

  it('read back as the bound instant, to the second, whatever the server time zone', async () => {
    const lastSecond = Date.UTC(2105, 11, 31, 23, 59, 59);
    const edges = [new Date(0), new Date(lastSecond), new Date('2024-02-29T12:00:00.999Z')];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.date({ min: new Date(0), max: new Date(lastSecond), noInvalidDate: true }), {
          minLength: 100,
          maxLength: 100,
        }),
        async (batch) => {
          const dates = [...edges, ...batch];
          const row = await selectColumns(dates, (value) => sql`toUInt32(${value})`);
          dates.forEach((value, i) =>
            expect(row[`c${i}`]).toBe(Math.floor(value.getTime() / 1000)),
          );
        },
      ),
      { numRuns: 2 },
    );
  });

  it('read back as the bound arrays, nested and with NULLs', async () => {
    const stringOrNull = fc.option(nastyString, { nil: null });
    const fractional = readableDouble.filter((v) => !Number.isInteger(v));
    const array = fc.oneof(
      fc.array(stringOrNull, { maxLength: 5 }),
      fc.array(fc.array(stringOrNull, { maxLength: 4 }), { maxLength: 4 }),
      fc.array(fractional, { maxLength: 5 }),
      fc.array(fc.array(fractional, { maxLength: 3 }), { maxLength: 3 }),
    );
    const fixed = [[0, 255, 65536, -1], [4294967296, 9007199254740991], [], [[]], [null]];
    await fc.assert(
      fc.asyncProperty(fc.array(array, { minLength: 50, maxLength: 50 }), async (batch) => {
        const arrays = [...fixed, ...batch];
        const row = await selectColumns(arrays);
        arrays.forEach((value, i) => expect(row[`c${i}`]).toEqual(value));
      }),
      { numRuns: 4 },
    );
  });

  it('accepts IN lists as tuples, arrays through has(), and a negative number after a minus', async () => {
    const [row] = await queryRows<Record<string, number>>(
      db(),
      sql`SELECT 2 IN ${tuple([1, 2])} AS a, 3 IN ${tuple([3])} AS b, 'x' IN ${tuple(['y'])} AS c,
                 has(${['a', "b'"]}, ${"b'"}) AS d, 1 -${-1} AS e`,
      numericJson,
    );
    expect(row).toEqual({ a: 1, b: 1, c: 0, d: 1, e: 2 });
  });
});

describe('identifiers on the real server', () => {
  it('create, fill and read back a table whose column names are arbitrary strings', async () => {
    const names = fc.uniqueArray(
      nastyString.filter((s) => s.length > 0),
      { minLength: 1, maxLength: 25 },
    );
    await fc.assert(
      fc.asyncProperty(names, async (columns) => {
        const tableName = `${uniqueName('names')} 😀'\`\\\n.x`;
        const table = identifier(database, tableName);
        const definitions = columns.map((name) => sql`${identifier(name)} String`);
        await runStatement(
          db(),
          sql`CREATE TABLE ${table} (${joinSql(definitions)}) ENGINE = MergeTree ORDER BY tuple()`,
        );
        const columnList = joinSql(columns.map((name) => identifier(name)));
        await runStatement(
          db(),
          sql`INSERT INTO ${table} (${columnList}) VALUES ${tuple(columns)}`,
        );

        const described = await queryRows<{ h: string }>(
          db(),
          sql`SELECT hex(name) AS h FROM system.columns WHERE database = ${database} AND table = ${tableName}`,
        );
        const expected = columns.map((name) =>
          Buffer.from(name, 'utf8').toString('hex').toUpperCase(),
        );
        expect(described.map((r) => r.h).sort()).toEqual([...expected].sort());

        const reads = columns.map((name, i) => sql`${identifier(name)} AS ${identifier(`c${i}`)}`);
        const rows = await queryRows<Record<string, string>>(
          db(),
          sql`SELECT ${joinSql(reads)} FROM ${table}`,
        );
        expect(rows).toHaveLength(1);
        columns.forEach((name, i) => expect(rows[0]?.[`c${i}`]).toBe(name));
        await runStatement(db(), sql`DROP TABLE ${table}`);
      }),
      { numRuns: 6 },
    );
  });
});

describe('a MergeTree table', () => {
  it('holds 10,000 rows inserted as JSONEachRow with exact count, sum and uniq', async () => {
    const table = identifier(database, uniqueName('outcomes'));
    await runStatement(
      db(),
      sql`CREATE TABLE ${table} (id UInt32, label String, amount Int64, at DateTime)
          ENGINE = MergeTree ORDER BY id`,
    );
    const start = Date.UTC(2024, 0, 1) / 1000;
    const rows = Array.from({ length: 10_000 }, (_, id) => ({
      id,
      label: `label-${id % 37} '\\`,
      amount: id * 7 - 20_000,
      at: start + id,
    }));
    await db().insert({ table: table.text, values: rows, format: 'JSONEachRow' });

    const [stats] = await queryRows<Record<string, unknown>>(
      db(),
      sql`SELECT count() AS n, sum(amount) AS total, uniq(label) AS labels, uniqExact(label) AS exactLabels,
                 min(at) = ${new Date(start * 1000)} AS firstAt, max(id) AS lastId
          FROM ${table}`,
    );
    const total = rows.reduce((sum, row) => sum + BigInt(row.amount), 0n);
    expect(stats).toEqual({
      n: '10000',
      total: total.toString(),
      labels: '37',
      exactLabels: '37',
      firstAt: 1,
      lastId: 9999,
    });
  });
});
