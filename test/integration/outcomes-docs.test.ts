import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type ClickHouseClient,
  identifier,
  openClickHouse,
  runStatement,
  sql,
  waitUntilReady,
} from '../../services/clickhouse/index.ts';
import { syntheticOutcomes } from '../../services/outcomes/fixtures.ts';
import { ensureSchema } from '../../services/outcomes/schema.ts';
import { outcomeRows, writeOutcomeRows } from '../../services/outcomes/writer.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

/** Every ```sql block of docs/clickhouse.md, with the line it starts on. */
function docQueries(): { line: number; text: string }[] {
  const doc = readFileSync(new URL('../../docs/clickhouse.md', import.meta.url), 'utf8');
  const blocks: { line: number; text: string }[] = [];
  const pattern = /^```sql\n([\s\S]*?)^```$/gm;
  for (let m = pattern.exec(doc); m !== null; m = pattern.exec(doc)) {
    blocks.push({ line: doc.slice(0, m.index).split('\n').length, text: m[1] ?? '' });
  }
  return blocks;
}

const database = uniqueName('outcomes_docs');
const queries = docQueries();
let client: ClickHouseClient | undefined;
let admin: ClickHouseClient | undefined;

beforeAll(async () => {
  admin = openClickHouse({ url: endpoints().clickhouseUrl });
  await waitUntilReady(admin, { timeoutMs: 120_000 });
  await ensureSchema(admin, database);
  const now = Date.now();
  const outcomes = [
    ...syntheticOutcomes({ syncId: 'sync-contacts', count: 200, startMs: now - 3 * 3_600_000 }),
    ...syntheticOutcomes({
      syncId: 'sync-companies',
      count: 60,
      startMs: now - 26 * 3_600_000,
      object: 'companies',
      spacingMs: 60_000,
    }),
  ];
  await writeOutcomeRows(
    admin,
    database,
    outcomes.map((o) => outcomeRows(o, { partition: 0, offset: '0' })),
  );
  // The queries name the tables without a database, as with `clickhouse-client --database`.
  client = openClickHouse({ url: endpoints().clickhouseUrl, database });
});

afterAll(async () => {
  await client?.close();
  if (!admin) return;
  await runStatement(admin, sql`DROP DATABASE IF EXISTS ${identifier(database)}`);
  await admin.close();
});

describe('docs/clickhouse.md', () => {
  it('has the ten queries for data teams and the health view’s query', () => {
    expect(queries.length).toBeGreaterThanOrEqual(11);
  });

  it.each(queries.map((q) => [q.line, q.text] as const))(
    'has a query (line %i) that runs on the local ClickHouse and finds rows in seeded data',
    async (_line, text) => {
      if (!client) throw new Error('ClickHouse did not open');
      const result = await client.query({ query: text, format: 'JSONEachRow' });
      const rows = await result.json<Record<string, unknown>>();
      expect(rows.length).toBeGreaterThan(0);
    },
  );
});
