import type { ObjectType } from '../../services/engine/types.ts';
import { lastModifiedProperty } from './objects.ts';
import type { Cursor } from './position.ts';

/**
 * The pure core of change detection over the CRM search API ("Search the CRM"): records modified
 * at or after the cursor, sorted ascending by last-modified time, 100 a page. Each page is a new
 * query from the newest timestamp read so far (ids already read at that timestamp are skipped), so
 * records leaving the result set while we page (modified again, archived) cannot shift an offset
 * past an unread one, and the 10,000-result cap of one query is never reached. Only records sharing
 * one millisecond are paged by offset; should 10,000 of them share it, they are drained in id order.
 */

export const SEARCH_PAGE = 100;
/** "The search endpoints are limited to 10,000 total results for any given query." */
export const SEARCH_CAP = 10_000;

export type Scan =
  | {
      readonly mode: 'time';
      readonly since: number;
      /** GT instead of GTE: set after the records at `since` were drained in id order. */
      readonly strict: boolean;
      readonly offset: number;
    }
  | { readonly mode: 'id'; readonly at: number; readonly afterId: string | null };

export function firstScan(cursor: Cursor): Scan {
  return { mode: 'time', since: cursor.ts, strict: false, offset: 0 };
}

/** True when the cursor already covers a record modified at `ts`. */
export function isSeen(cursor: Cursor, ts: number, id: string): boolean {
  return ts < cursor.ts || (ts === cursor.ts && cursor.ids.includes(id));
}

/** The cursor after reading record `id` modified at `ts`. */
export function advance(cursor: Cursor, ts: number, id: string): Cursor {
  if (ts > cursor.ts) return { ts, ids: [id] };
  if (ts === cursor.ts && !cursor.ids.includes(id)) return { ts, ids: [...cursor.ids, id] };
  return cursor;
}

interface Filter {
  readonly propertyName: string;
  readonly operator: 'GT' | 'GTE' | 'LTE' | 'EQ';
  readonly value: string;
}

/** The search request body of one page; `until` bounds it to what the index has surely caught. */
export function searchBody(
  object: ObjectType,
  scan: Scan,
  until: number,
  properties: readonly string[],
): Record<string, unknown> {
  const modified = lastModifiedProperty[object];
  const filters: Filter[] =
    scan.mode === 'time'
      ? [
          {
            propertyName: modified,
            operator: scan.strict ? 'GT' : 'GTE',
            value: String(scan.since),
          },
          { propertyName: modified, operator: 'LTE', value: String(until) },
        ]
      : [
          { propertyName: modified, operator: 'EQ', value: String(scan.at) },
          ...(scan.afterId === null
            ? []
            : [{ propertyName: 'hs_object_id', operator: 'GT' as const, value: scan.afterId }]),
        ];
  const sortBy = scan.mode === 'time' ? modified : 'hs_object_id';
  return {
    filterGroups: [{ filters }],
    sorts: [{ propertyName: sortBy, direction: 'ASCENDING' }],
    properties: [...properties],
    limit: SEARCH_PAGE,
    ...(scan.mode === 'time' && scan.offset > 0 ? { after: String(scan.offset) } : {}),
  };
}

export interface PageSummary {
  /** Last-modified time of each result, in result order. */
  readonly times: readonly number[];
  readonly lastId: string | undefined;
  /** The answer had `paging.next`. */
  readonly hasMore: boolean;
}

/** The next page's scan, or null when this poll has read everything up to `until`. */
export function nextScan(scan: Scan, page: PageSummary, cursor: Cursor): Scan | null {
  if (scan.mode === 'id') {
    if (page.hasMore && page.lastId !== undefined) return { ...scan, afterId: page.lastId };
    return { mode: 'time', since: scan.at, strict: true, offset: 0 };
  }
  if (!page.hasMore || page.times.length === 0) return null;
  if (page.times.some((t) => t !== scan.since)) {
    return { mode: 'time', since: cursor.ts, strict: false, offset: 0 };
  }
  // A whole page at one millisecond: page on by offset within it, up to the cap.
  const offset = scan.offset + page.times.length;
  if (offset + SEARCH_PAGE > SEARCH_CAP) return { mode: 'id', at: scan.since, afterId: null };
  return { ...scan, offset };
}
