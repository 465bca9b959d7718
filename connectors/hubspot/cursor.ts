import type { ObjectType } from '../../services/engine/types.ts';
import { lastModifiedProperty } from './objects.ts';
import type { Cursor } from './position.ts';

/**
 * The pure core of change detection over the CRM search API ("Search the CRM",
 * https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm): records
 * modified at or after the cursor, sorted ascending by last-modified time, 200 a page. Each page
 * is a new query from the newest timestamp on the page before (records already read there are
 * skipped), so records leaving the result set while we page (modified again, archived) cannot
 * shift an offset past an unread one, and the 10,000-result cap of one query is never reached.
 * Only records sharing one millisecond are paged by offset; should 10,000 of them share it, they
 * are drained in id order.
 *
 * Late indexing. HubSpot's search reads an index that trails writes, so a poll only asks for
 * records modified up to `until` (now minus the configured `indexLagMs`). A record the index shows
 * later than that — modified at t, searchable only after the cursor passed t because records
 * modified after it were indexed first — would be skipped by a cursor that only moves forward.
 * So the change cursor trails a window of `indexOverlapMs` behind its time (`from`), and now and
 * then a poll reads that window again (stream.ts, after the new changes): what they find is compared by (record id, last-modified time) with what
 * the stream already read in the window (`SeenWindow`, kept in memory), and only versions not read
 * yet are yielded. A record indexed up to `indexLagMs + indexOverlapMs` after its change is thus
 * read exactly once; one indexed later still, never (the window has moved past it). The position
 * keeps `from` but not the seen set, so a stream resumed after a restart reads the window again and
 * may repeat changes from it (at least once, as everywhere in Tandem), never skip them.
 */

/** Records a search page asks for: the documented maximum of the search endpoints. */
export const SEARCH_PAGE = 200;
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

/** The first page of a poll: from the cursor's time, or from `since` (its window) when given. */
export function firstScan(cursor: Cursor, since = cursor.ts): Scan {
  return { mode: 'time', since, strict: false, offset: 0 };
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

/** The (id, last-modified) versions a stream has read inside its change cursor's window. */
export interface SeenWindow {
  /** `${id}@${ts}` → ts. */
  readonly versions: Map<string, number>;
}

export function createSeenWindow(): SeenWindow {
  return { versions: new Map() };
}

const versionKey = (id: string, ts: number): string => `${id}@${ts}`;

/** Where the change cursor's re-read window starts. */
export function windowStart(cursor: Cursor): number {
  return cursor.from ?? cursor.ts;
}

/** True when record `id` modified at `ts` was read: before the window, or seen inside it. */
export function isSeenIn(cursor: Cursor, seen: SeenWindow, ts: number, id: string): boolean {
  if (ts < windowStart(cursor)) return true;
  if (ts === cursor.ts && cursor.ids.includes(id)) return true;
  return seen.versions.has(versionKey(id, ts));
}

/**
 * The change cursor after reading `id` modified at `ts` (possibly behind the cursor: a late
 * record), its window trailing `overlapMs` behind its time but never reaching back before where
 * it started.
 */
export function advanceIn(
  cursor: Cursor,
  seen: SeenWindow,
  ts: number,
  id: string,
  overlapMs: number,
): Cursor {
  seen.versions.set(versionKey(id, ts), ts);
  const next = advance({ ts: cursor.ts, ids: cursor.ids }, ts, id);
  const from = Math.min(next.ts, Math.max(windowStart(cursor), next.ts - overlapMs));
  return from < next.ts ? { ts: next.ts, ids: next.ids, from } : { ts: next.ts, ids: next.ids };
}

/** Forgets what the window has left behind. */
export function pruneSeen(seen: SeenWindow, cursor: Cursor): void {
  const start = windowStart(cursor);
  for (const [key, ts] of seen.versions) if (ts < start) seen.versions.delete(key);
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
  const modified = lastModifiedProperty(object);
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

/**
 * The next page's scan, or null when this poll has read everything up to `until`: a new query from
 * the newest time on the page (the page is sorted by it, so everything older was on it).
 */
export function nextScan(scan: Scan, page: PageSummary): Scan | null {
  if (scan.mode === 'id') {
    if (page.hasMore && page.lastId !== undefined) return { ...scan, afterId: page.lastId };
    return { mode: 'time', since: scan.at, strict: true, offset: 0 };
  }
  if (!page.hasMore || page.times.length === 0) return null;
  if (page.times.some((t) => t !== scan.since)) {
    return { mode: 'time', since: Math.max(...page.times), strict: false, offset: 0 };
  }
  // A whole page at one millisecond: page on by offset within it, up to the cap.
  const offset = scan.offset + page.times.length;
  if (offset + SEARCH_PAGE > SEARCH_CAP) return { mode: 'id', at: scan.since, afterId: null };
  return { ...scan, offset };
}
