import { describe, expect, it } from 'vitest';
import { pollChanges } from '../../connectors/hubspot/changes.ts';
import {
  SEARCH_CAP,
  SEARCH_PAGE,
  advance,
  advanceIn,
  createSeenWindow,
  firstScan,
  isSeen,
  isSeenIn,
  nextScan,
  pruneSeen,
  searchBody,
} from '../../connectors/hubspot/cursor.ts';
import { responseError } from '../../connectors/hubspot/errors.ts';
import type { HubSpotHttp } from '../../connectors/hubspot/http.ts';
import type { Cursor } from '../../connectors/hubspot/position.ts';
import { createLogger } from '../../services/log/logger.ts';

const logger = createLogger('test', 'silent');

interface FakeRecord {
  id: string;
  ts: number;
}

type Filter = { propertyName: string; operator: string; value: string };

/**
 * A search endpoint over in-memory records with HubSpot's rules: filters ANDed, one ascending
 * sort, `after` as an offset, and a 400 past 10,000 results. Ties are broken by a scrambled order
 * (HubSpot promises none), so nothing may rely on them.
 */
function fakeHubSpot(records: FakeRecord[], onSearch?: (n: number) => void) {
  let searches = 0;
  const scramble = (id: string) => (Number(id) * 7919) % 10007;
  const http: HubSpotHttp = {
    retrying: (run) => run(),
    request<T>(_method: string, path: string, options: { body?: unknown } = {}) {
      if (path.endsWith('/batch/read'))
        return Promise.resolve({ status: 200, body: { results: [] } as T });
      searches += 1;
      onSearch?.(searches);
      const body = options.body as {
        filterGroups: { filters: Filter[] }[];
        sorts: { propertyName: string }[];
        limit: number;
        after?: string;
      };
      const filters = body.filterGroups[0]?.filters ?? [];
      const value = (r: FakeRecord, name: string) =>
        name === 'hs_object_id' ? Number(r.id) : r.ts;
      const hits = records.filter((r) =>
        filters.every((f) => {
          const v = value(r, f.propertyName);
          const x = Number(f.value);
          return { GT: v > x, GTE: v >= x, LTE: v <= x, EQ: v === x }[f.operator as 'GT'];
        }),
      );
      const sortBy = body.sorts[0]?.propertyName ?? 'lastmodifieddate';
      hits.sort((a, b) => value(a, sortBy) - value(b, sortBy) || scramble(a.id) - scramble(b.id));
      const offset = Number(body.after ?? 0);
      if (offset + body.limit > SEARCH_CAP) {
        return Promise.reject(responseError('search', 400, { message: 'limited to 10,000' }));
      }
      const page = hits.slice(offset, offset + body.limit);
      const more = offset + body.limit < hits.length;
      return Promise.resolve({
        status: 200,
        body: {
          results: page.map((r) => ({
            id: r.id,
            properties: {
              lastmodifieddate: new Date(r.ts).toISOString(),
              createdate: new Date(0).toISOString(),
            },
          })),
          ...(more ? { paging: { next: { after: String(offset + body.limit) } } } : {}),
        } as T,
      });
    },
  };
  return { http, searches: () => searches };
}

async function readAll(http: HubSpotHttp, start: Cursor, until: number) {
  const seen: string[] = [];
  let cursor = start;
  for await (const page of pollChanges({ http, logger }, 'contacts', ['email'], start, until)) {
    for (const change of page) {
      seen.push(change.record.recordId);
      cursor = change.cursor;
    }
  }
  return { seen, cursor };
}

const T0 = Date.parse('2024-01-01T00:00:00.000Z');
const records = (n: number, tsOf: (i: number) => number, firstId = 1) =>
  Array.from({ length: n }, (_, i) => ({ id: String(firstId + i), ts: tsOf(i) }));

describe('hubspot change cursor', () => {
  it('treats records before the cursor, and the ids it lists at its time, as read', () => {
    const cursor: Cursor = { ts: 100, ids: ['7'] };
    expect(isSeen(cursor, 99, '1')).toBe(true);
    expect(isSeen(cursor, 100, '7')).toBe(true);
    expect(isSeen(cursor, 100, '8')).toBe(false);
    expect(isSeen(cursor, 101, '7')).toBe(false);
  });

  it('moves to a newer time with just that id, and collects ids at the same time', () => {
    let cursor: Cursor = { ts: 100, ids: ['7'] };
    cursor = advance(cursor, 100, '8');
    expect(cursor).toEqual({ ts: 100, ids: ['7', '8'] });
    expect(advance(cursor, 100, '8')).toBe(cursor);
    expect(advance(cursor, 150, '9')).toEqual({ ts: 150, ids: ['9'] });
  });

  it('asks for records modified between the cursor and the index bound, oldest first, 200 a page', () => {
    const body = searchBody('contacts', firstScan({ ts: 1000, ids: [] }), 5000, ['email']);
    expect(body).toEqual({
      filterGroups: [
        {
          filters: [
            { propertyName: 'lastmodifieddate', operator: 'GTE', value: '1000' },
            { propertyName: 'lastmodifieddate', operator: 'LTE', value: '5000' },
          ],
        },
      ],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      properties: ['email'],
      limit: 200,
    });
    const deals = searchBody('deals', firstScan({ ts: 1, ids: [] }), 2, []);
    expect(JSON.stringify(deals)).toContain('hs_lastmodifieddate');
  });

  it('starts each next page as a new query from the newest time read', () => {
    const scan = firstScan({ ts: 100, ids: [] });
    const next = nextScan(scan, { times: [100, 120, 130], lastId: '3', hasMore: true });
    expect(next).toEqual({ mode: 'time', since: 130, strict: false, offset: 0 });
    expect(nextScan(scan, { times: [100], lastId: '1', hasMore: false })).toBeNull();
  });

  it('pages by offset only through a page-full of one millisecond, and drains by id at the 10,000 cap', () => {
    const full = { times: Array<number>(SEARCH_PAGE).fill(100), lastId: '5', hasMore: true };
    expect(nextScan({ mode: 'time', since: 100, strict: false, offset: 0 }, full)).toEqual({
      mode: 'time',
      since: 100,
      strict: false,
      offset: SEARCH_PAGE,
    });
    const atCap = {
      mode: 'time' as const,
      since: 100,
      strict: false,
      offset: SEARCH_CAP - SEARCH_PAGE,
    };
    expect(nextScan(atCap, full)).toEqual({ mode: 'id', at: 100, afterId: null });
    const draining = { mode: 'id' as const, at: 100, afterId: null };
    expect(nextScan(draining, full)).toEqual({ mode: 'id', at: 100, afterId: '5' });
    expect(nextScan(draining, { ...full, hasMore: false })).toEqual({
      mode: 'time',
      since: 100,
      strict: true,
      offset: 0,
    });
    const body = searchBody('contacts', { mode: 'id', at: 100, afterId: '5' }, 999, []);
    expect(body.sorts).toEqual([{ propertyName: 'hs_object_id', direction: 'ASCENDING' }]);
    expect(JSON.stringify(body.filterGroups)).toContain('"operator":"EQ"');
  });

  it('reads every record once, in time order, across many pages', async () => {
    const all = records(250, (i) => T0 + Math.floor(i / 3));
    const { http } = fakeHubSpot(all);
    const { seen, cursor } = await readAll(http, { ts: T0, ids: [] }, T0 + 10_000);
    expect(seen.slice().sort((a, b) => Number(a) - Number(b))).toEqual(all.map((r) => r.id));
    expect(new Set(seen).size).toBe(250);
    expect(cursor.ts).toBe(T0 + 83);
  });

  it('reads past 10,000 changes without paging beyond the cap of one query', async () => {
    const all = records(12_000, (i) => T0 + i);
    const fake = fakeHubSpot(all);
    const { seen } = await readAll(fake.http, { ts: T0, ids: [] }, T0 + 20_000);
    expect(new Set(seen).size).toBe(12_000);
    expect(seen.length).toBe(12_000);
  }, 30_000);

  it('drains more than 10,000 records of one millisecond in id order, each once', async () => {
    const all = records(10_150, () => T0 + 5);
    const { http } = fakeHubSpot(all);
    const { seen, cursor } = await readAll(http, { ts: T0, ids: [] }, T0 + 100);
    expect(seen.length).toBe(10_150);
    expect(new Set(seen).size).toBe(10_150);
    expect(cursor.ts).toBe(T0 + 5);
  }, 30_000);

  it('skips no record when one already read is modified again while paging', async () => {
    const all = records(300, (i) => T0 + i);
    const until = T0 + 1000;
    const { http } = fakeHubSpot(all, (n) => {
      // After the first page, record 10 (read already) is modified: it leaves the result set.
      const moved = all[9];
      if (n === 2 && moved) moved.ts = until + 500;
    });
    const { seen } = await readAll(http, { ts: T0, ids: [] }, until);
    expect(new Set(seen).size).toBe(300);
  });

  it('resumes inside a millisecond, skipping the ids the cursor lists', async () => {
    const all = records(5, () => T0 + 1);
    const { http } = fakeHubSpot(all);
    const { seen } = await readAll(http, { ts: T0 + 1, ids: ['1', '3'] }, T0 + 10);
    expect(seen.sort()).toEqual(['2', '4', '5']);
  });

  it('reads nothing when the cursor is newer than the index bound', async () => {
    const fake = fakeHubSpot(records(3, () => T0));
    const { seen } = await readAll(fake.http, { ts: T0 + 100, ids: [] }, T0 + 50);
    expect(seen).toEqual([]);
    expect(fake.searches()).toBe(0);
  });

  it('keeps a window trailing the cursor and tells read versions in it from unread ones', () => {
    const seen = createSeenWindow();
    let cursor: Cursor = { ts: 1000, ids: [] };
    cursor = advanceIn(cursor, seen, 1500, '1', 300);
    // The window never reaches back before where the cursor started.
    expect(cursor).toEqual({ ts: 1500, ids: ['1'], from: 1200 });
    cursor = advanceIn(cursor, seen, 2000, '2', 300);
    expect(cursor).toEqual({ ts: 2000, ids: ['2'], from: 1700 });
    // A late record behind the cursor but inside the window: unread until read, then read.
    expect(isSeenIn(cursor, seen, 1800, '3')).toBe(false);
    cursor = advanceIn(cursor, seen, 1800, '3', 300);
    expect(cursor).toEqual({ ts: 2000, ids: ['2'], from: 1700 });
    expect(isSeenIn(cursor, seen, 1800, '3')).toBe(true);
    // Record 3 modified again: a new version, unread.
    expect(isSeenIn(cursor, seen, 1900, '3')).toBe(false);
    // Before the window: covered, whatever the id.
    expect(isSeenIn(cursor, seen, 1699, '9')).toBe(true);
    pruneSeen(seen, cursor);
    expect([...seen.versions.keys()].sort()).toEqual(['2@2000', '3@1800']);
    // Without an overlap the cursor behaves as before: no window.
    expect(advanceIn({ ts: 5, ids: [] }, createSeenWindow(), 7, '4', 0)).toEqual({
      ts: 7,
      ids: ['4'],
    });
  });

  it('reads a record the index showed after the cursor passed it, once, when the window is read again', async () => {
    const all = records(3, (i) => T0 + 10 * (i + 1)); // ids 1..3 at T0+10, +20, +30
    const late = all.splice(1, 1); // record 2 is not searchable yet
    const { http } = fakeHubSpot(all);
    const seen = createSeenWindow();
    const window = (rescan: boolean) => ({ seen, overlapMs: 1000, rescan });
    const poll = async (start: Cursor, rescan: boolean) => {
      const out: string[] = [];
      let cursor = start;
      for await (const page of pollChanges(
        { http, logger },
        'contacts',
        ['email'],
        start,
        T0 + 100,
        window(rescan),
      )) {
        for (const c of page) {
          out.push(c.record.recordId);
          cursor = c.cursor;
        }
      }
      return { out, cursor };
    };
    const first = await poll({ ts: T0, ids: [] }, true);
    expect(first.out).toEqual(['1', '3']);
    expect(first.cursor).toMatchObject({ ts: T0 + 30, from: T0 });
    all.push(...late); // now indexed
    const plain = await poll(first.cursor, false);
    expect(plain.out).toEqual([]);
    const again = await poll(plain.cursor, true);
    expect(again.out).toEqual(['2']);
    expect((await poll(again.cursor, true)).out).toEqual([]);
  });
});
