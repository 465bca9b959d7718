import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type ClickHouseClient,
  identifier,
  openClickHouse,
  queryRows,
  runStatement,
  sql,
  waitUntilReady,
} from '../../services/clickhouse/index.ts';
import { hintFor } from '../../services/engine/categories.ts';
import type { ErrorCategory, Outcome } from '../../services/engine/types.ts';
import { syntheticOutcomes } from '../../services/outcomes/fixtures.ts';
import { createHealthQueries } from '../../services/outcomes/health-queries.ts';
import type {
  HealthSource,
  RecordFilter,
  RecordView,
} from '../../services/outcomes/health-types.ts';
import { recordHint } from '../../services/outcomes/health-queries.ts';
import { type EntityState, rollUpOutcomes } from '../../services/outcomes/rollup.ts';
import { eventId } from '../../services/outcomes/rows.ts';
import { ensureSchema, outcomeTables } from '../../services/outcomes/schema.ts';
import { outcomeRows, writeOutcomeRows } from '../../services/outcomes/writer.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

const database = uniqueName('outcomes_health');
const minute = 60_000;
const startMs = Math.floor(Date.now() / minute) * minute - 2 * 3_600_000 + 17_000;
const main = syntheticOutcomes({ syncId: 'sync-main', count: 300, startMs });
const other = syntheticOutcomes({ syncId: 'sync-other', count: 40, startMs, object: 'companies' });
const truth = [...rollUpOutcomes(main)].map(([key, state]) => ({
  entityId: key.slice('sync-main/'.length),
  ...state,
}));

let client: ClickHouseClient | undefined;
let queries: HealthSource;

function db(): ClickHouseClient {
  if (!client) throw new Error('ClickHouse did not open');
  return client;
}

/** Several inserts in shuffled order, a part of them twice: unmerged parts and replays. */
async function seed(outcomes: readonly Outcome[]): Promise<void> {
  const shuffled = [...outcomes].sort((x, y) => eventId(x).localeCompare(eventId(y)));
  const third = Math.ceil(shuffled.length / 3);
  const chunks = [
    shuffled.slice(0, third),
    shuffled.slice(third, 2 * third),
    shuffled.slice(2 * third),
    shuffled.slice(0, third),
  ];
  for (const chunk of chunks) {
    await writeOutcomeRows(
      db(),
      database,
      chunk.map((o) => outcomeRows(o, { partition: 0, offset: '0' })),
    );
  }
}

/** Rows of the main sync's history as stored, duplicates included. */
async function historyRows(): Promise<number> {
  const [row] = await queryRows<{ n: string }>(
    db(),
    sql`SELECT count() AS n FROM ${identifier(database, outcomeTables.history)} WHERE sync_id = 'sync-main'`,
  );
  return Number(row?.n);
}

function expectedView(t: EntityState & { entityId: string }): RecordView {
  const category = t.category === '' ? null : (t.category as ErrorCategory);
  return {
    entityId: t.entityId,
    object: 'contacts',
    a: { id: t.aId === '' ? null : t.aId },
    b: { id: t.bId === '' ? null : t.bId },
    status: t.status,
    category,
    hint: category === null ? null : recordHint(category, t.message),
    updatedAt: new Date(t.updatedMs).toISOString(),
  };
}

function newestFirst(x: { updatedMs: number; entityId: string }, y: typeof x): number {
  return y.updatedMs - x.updatedMs || (x.entityId < y.entityId ? -1 : 1);
}

async function walk(filter: Omit<RecordFilter, 'cursor'>): Promise<RecordView[]> {
  const seen: RecordView[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1_000; page += 1) {
    const result = await queries.records('sync-main', { ...filter, ...(cursor ? { cursor } : {}) });
    expect(result.records.length).toBeLessThanOrEqual(filter.limit);
    seen.push(...result.records);
    if (result.nextCursor === null) return seen;
    cursor = result.nextCursor;
  }
  throw new Error('the pages never ended');
}

beforeAll(async () => {
  client = openClickHouse({ url: endpoints().clickhouseUrl });
  await waitUntilReady(client, { timeoutMs: 120_000 });
  await ensureSchema(client, database);
  await ensureSchema(client, database);
  // Unmerged parts with duplicates stay so until the last test merges them.
  for (const table of [outcomeTables.history, outcomeTables.status]) {
    await runStatement(client, sql`SYSTEM STOP MERGES ${identifier(database, table)}`);
  }
  await seed([...main, ...other]);
  queries = createHealthQueries(client, database);
});

afterAll(async () => {
  if (!client) return;
  await runStatement(client, sql`DROP DATABASE IF EXISTS ${identifier(database)}`);
  await client.close();
});

function expectedHealth() {
  const count = (status: string) => truth.filter((t) => t.status === status).length;
  const perCategory = new Map<string, number>();
  for (const t of truth) {
    if (t.status === 'failed' || t.status === 'excluded') {
      perCategory.set(t.category, (perCategory.get(t.category) ?? 0) + 1);
    }
  }
  return {
    inSync: count('in-sync'),
    failed: count('failed'),
    excluded: count('excluded'),
    pending: count('pending'),
    byCategory: [...perCategory]
      .map(([category, n]) => ({
        category,
        count: n,
        hint: hintFor(category as ErrorCategory),
      }))
      .sort((x, y) => y.count - x.count || x.category.localeCompare(y.category)),
    lastChangeAt: new Date(Math.max(...main.map((o) => o.at))).toISOString(),
  };
}

describe('sync health', () => {
  it('counts every record once by its status, with one line per category, before merges', async () => {
    const health = await queries.health('sync-main');
    const { byCategory, ...rest } = health;
    expect({ ...rest, byCategory, lagMs: undefined }).toEqual({
      ...expectedHealth(),
      lagMs: undefined,
    });
    expect(new Set(byCategory.map((c) => c.category)).size).toBe(byCategory.length);
    expect(health.inSync + health.failed + health.excluded + health.pending).toBe(300);
    expect(await historyRows()).toBeGreaterThan(main.length);
  });

  it('reports the write latency of the newest outcome that has one as the lag', async () => {
    const withLatency = main.filter((o) => o.latencyMs !== null);
    const newest = Math.max(...withLatency.map((o) => o.at));
    const candidates = withLatency.filter((o) => o.at === newest).map((o) => o.latencyMs);
    expect(candidates).toContain((await queries.health('sync-main')).lagMs);
  });

  it('is empty for a sync without outcomes', async () => {
    expect(await queries.health('sync-nobody')).toEqual({
      inSync: 0,
      failed: 0,
      excluded: 0,
      pending: 0,
      byCategory: [],
      lastChangeAt: null,
      lagMs: null,
    });
  });
});

describe('the records view', () => {
  it('walks every record exactly once, newest first, ties by entity id', async () => {
    const seen = await walk({ limit: 7 });
    expect(seen).toEqual([...truth].sort(newestFirst).map(expectedView));
  });

  it('walks only the records of a status', async () => {
    for (const status of ['failed', 'pending', 'excluded', 'in-sync'] as const) {
      const seen = await walk({ status, limit: 13 });
      const expected = truth.filter((t) => t.status === status).sort(newestFirst);
      expect(seen.map((r) => r.entityId)).toEqual(expected.map((t) => t.entityId));
    }
  });

  it('walks only the records updated from `from` (inclusive) to `to` (exclusive)', async () => {
    const times = [...new Set(truth.map((t) => t.updatedMs))].sort((x, y) => x - y);
    const from = times[10] ?? 0;
    const to = times[40] ?? 0;
    const seen = await walk({ status: 'failed', from: new Date(from), to: new Date(to), limit: 4 });
    const expected = truth
      .filter((t) => t.status === 'failed' && t.updatedMs >= from && t.updatedMs < to)
      .sort(newestFirst);
    expect(expected.length).toBeGreaterThan(3);
    expect(seen.map((r) => r.entityId)).toEqual(expected.map((t) => t.entityId));
  });

  it('filters by object type', async () => {
    expect((await walk({ object: 'contacts', limit: 1000 })).length).toBe(300);
    expect(await walk({ object: 'companies', limit: 1000 })).toEqual([]);
  });

  it('gives no cursor on the last page', async () => {
    const page = await queries.records('sync-main', { limit: 1000 });
    expect(page.records.length).toBe(300);
    expect(page.nextCursor).toBeNull();
  });
});

describe('the timeline', () => {
  it('counts distinct outcomes per minute, every minute of the range present', async () => {
    const from = new Date(startMs - 5 * minute);
    const to = new Date(startMs + 120 * minute);
    const points = await queries.timeline('sync-main', { from, to });
    // From the minute `from` falls in, to the minute `to` falls in.
    expect(points.length).toBe(126);
    expect(points[0]?.at).toBe(new Date(startMs - 17_000 - 5 * minute).toISOString());
    const expected = new Map<
      string,
      { inSync: number; failed: number; excluded: number; pending: number }
    >();
    for (const o of main) {
      const at = new Date(Math.floor(o.at / minute) * minute).toISOString();
      const p = expected.get(at) ?? { inSync: 0, failed: 0, excluded: 0, pending: 0 };
      if (o.status === 'in-sync' || o.status === 'skipped') p.inSync += 1;
      else if (o.status === 'failed') p.failed += 1;
      else if (o.status === 'excluded') p.excluded += 1;
      else p.pending += 1;
      expected.set(at, p);
    }
    for (const point of points) {
      const { at, ...counts } = point;
      expect(counts).toEqual(expected.get(at) ?? { inSync: 0, failed: 0, excluded: 0, pending: 0 });
    }
    const total = points.reduce((n, p) => n + p.inSync + p.failed + p.excluded + p.pending, 0);
    expect(total).toBe(main.length);
  });
});

describe('after ClickHouse merged every part', () => {
  it('gives the same health, records and one history row per outcome', async () => {
    const before = {
      health: await queries.health('sync-main'),
      records: await walk({ limit: 50 }),
    };
    for (const table of [outcomeTables.history, outcomeTables.status]) {
      await runStatement(db(), sql`SYSTEM START MERGES ${identifier(database, table)}`);
      await runStatement(db(), sql`OPTIMIZE TABLE ${identifier(database, table)} FINAL`);
    }
    expect(await historyRows()).toBe(main.length);
    expect(await queries.health('sync-main')).toEqual(before.health);
    expect(await walk({ limit: 50 })).toEqual(before.records);
  });
});
