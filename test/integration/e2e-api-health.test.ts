import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contact,
  rowsBy,
  startAllFixture,
  syncBody,
  type AllFixture,
  type Row,
} from '../support/all-fixture.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The health views end to end, through the API on the real stack (PostgreSQL a, MariaDB b): the
 * counts, categories and record lists agree with the records' true states in both systems.
 */
let fx: AllFixture;

beforeAll(async () => {
  fx = await startAllFixture('e2e_health');
});
afterAll(() => fx?.close());

interface Health {
  inSync: number;
  failed: number;
  excluded: number;
  pending: number;
  byCategory: Array<{ category: string; count: number; hint: string }>;
}
interface RecordView {
  entityId: string;
  a: { id: string | null };
  b: { id: string | null };
  status: string;
  category: string | null;
}
interface Page {
  records: RecordView[];
  nextCursor: string | null;
}

const valid = (email: string | null | undefined) =>
  /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test((email ?? '').trim());
const pair = (r: RecordView) => `${r.a.id ?? '-'}|${r.b.id ?? '-'}`;

async function page(syncId: string, query: string): Promise<Page> {
  const res = await fx.call<Page>('GET', `/v1/syncs/${syncId}/records?${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('sync health through the API', () => {
  it('counts, categories and record lists match the records’ true states', async () => {
    const a = await fx.system('postgres', 'h_a');
    const b = await fx.system('mysql', 'h_b');
    const [, , goneA = ''] = await a.db.insert('contacts', [
      contact('h-1@example.com', 'One'),
      contact('h-2@example.com', 'Two'),
      contact('h-3@example.com', 'Three'),
      contact(null, 'NoMailA'),
    ]);
    await b.db.insert('contacts', [
      contact('h-2@example.com', 'TwoB'),
      contact('h-4@example.com', 'Four'),
      contact(null, 'NoMailB'),
    ]);
    const id = await fx.createSync(syncBody('contacts', a, b));
    await fx.startSync(id);
    await waitFor(
      'the initial sync both ways',
      async () =>
        (await rowsBy(a.db)).has('h-4@example.com') && (await rowsBy(b.db)).has('h-3@example.com'),
      60_000,
      500,
    );
    const goneB = (await rowsBy(b.db)).get('h-3@example.com')?.id ?? '';
    await a.db.remove('contacts', goneA);

    // The truth, from the systems: a valid email on both sides is in sync, on one side only it
    // was deleted on the other, and a contact without a valid email is missing-email.
    const rowsA = await a.db.rows('contacts');
    const rowsB = await b.db.rows('contacts');
    const byMail = (rows: Map<string, Row>) =>
      new Map(
        [...rows]
          .filter(([, r]) => valid(r.email))
          .map(([rid, r]) => [r.email?.trim().toLowerCase(), rid]),
      );
    const [mailA, mailB] = [byMail(rowsA), byMail(rowsB)];
    const inSyncPairs = [...mailA]
      .filter(([m]) => mailB.has(m))
      .map(([m, rid]) => `${rid}|${mailB.get(m)}`);
    const deletedOnA = [...mailB].filter(([m]) => !mailA.has(m)).map(([, rid]) => rid);
    const noMail = [...rowsA, ...rowsB].filter(([, r]) => !valid(r.email)).length;
    expect([inSyncPairs.length, deletedOnA, noMail]).toEqual([3, [goneB], 2]);
    const expected = {
      inSync: inSyncPairs.length,
      failed: noMail + deletedOnA.length,
      excluded: 0,
      pending: 0,
      byCategory: [
        { category: 'missing-email', count: noMail, hint: expect.any(String) as unknown },
        { category: 'deleted', count: deletedOnA.length, hint: expect.any(String) as unknown },
      ],
    };
    await waitFor(
      'health to match the systems',
      async () => {
        const h = (await fx.call<Health>('GET', `/v1/syncs/${id}/health`)).body;
        return h.inSync === expected.inSync && h.failed === expected.failed && h.pending === 0;
      },
      30_000,
      500,
    );
    const health = await fx.call<Health>('GET', `/v1/syncs/${id}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject(expected);
    expect(new Set(health.body.byCategory.map((c) => c.category)).size).toBe(
      health.body.byCategory.length,
    );

    // Cursor paging, two at a time, walks every record exactly once.
    const all = await page(id, 'limit=100');
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const next = await page(id, query);
      expect(next.records.length).toBeLessThanOrEqual(2);
      walked.push(...next.records.map((r) => r.entityId));
      cursor = next.nextCursor;
    } while (cursor !== null);
    expect(walked).toHaveLength(expected.inSync + expected.failed);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual(all.records.map((r) => r.entityId));

    // Each status lists exactly its records, with both systems' ids.
    expect((await page(id, 'status=excluded&limit=100')).records).toEqual([]);
    const failed = await page(id, 'status=failed&limit=100');
    expect(failed.records.filter((r) => r.category === 'deleted').map(pair)).toEqual([
      `${goneA}|${goneB}`,
    ]);
    expect(failed.records).toHaveLength(expected.failed);
    const missing = failed.records.filter((r) => r.category === 'missing-email');
    const noMailPairs = [
      ...[...rowsA].filter(([, r]) => !valid(r.email)).map(([rid]) => `${rid}|-`),
      ...[...rowsB].filter(([, r]) => !valid(r.email)).map(([rid]) => `-|${rid}`),
    ];
    expect(missing.map(pair).sort()).toEqual(noMailPairs.sort());
    const inSync = await page(id, 'status=in-sync&limit=100');
    expect(inSync.records).toHaveLength(inSyncPairs.length);
    expect(inSync.nextCursor).toBeNull();
    expect(inSync.records.map(pair).sort()).toEqual(inSyncPairs.sort());
  });
});
