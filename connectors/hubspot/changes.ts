import type { ObjectType } from '../../services/engine/types.ts';
import type { Logger } from '../../services/log/logger.ts';
import type { SourceRecord } from '../sdk/types.ts';
import { associationsOf } from './associations-read.ts';
import {
  advanceIn,
  createSeenWindow,
  firstScan,
  isSeenIn,
  nextScan,
  searchBody,
  windowStart,
  type Scan,
  type SeenWindow,
} from './cursor.ts';
import type { HubSpotHttp } from './http.ts';
import { hubspotProperties } from './names.ts';
import { bookkeepingProperties, hubspotObject } from './objects.ts';
import type { Cursor } from './position.ts';
import { type ApiPage, type ApiRecord, changeOp, modifiedAt, toSourceRecord } from './records.ts';

/** One change read, with the object's change cursor after it. */
export interface ReadChange {
  readonly record: SourceRecord;
  readonly cursor: Cursor;
}

export interface ChangeReader {
  readonly http: HubSpotHttp;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
}

/** How a poll treats the change cursor's re-read window (cursor.ts, "Late indexing"). */
export interface WindowOptions {
  /** The versions the stream read inside the window (kept across polls). */
  readonly seen: SeenWindow;
  /** How far the window trails the cursor's time. */
  readonly overlapMs: number;
  /** Read the window again on this poll (else start from the cursor's time). */
  readonly rescan: boolean;
}

/**
 * One poll of an object's changes: the records modified after `start` (or, on a rescan, inside its
 * window) up to `until`, a batch per search page, in last-modified order, each version not read
 * before (see cursor.ts for the paging and window rules).
 */
export async function* pollChanges(
  reader: ChangeReader,
  object: ObjectType,
  properties: readonly string[],
  start: Cursor,
  until: number,
  window: WindowOptions = { seen: createSeenWindow(), overlapMs: 0, rescan: false },
): AsyncGenerator<readonly ReadChange[]> {
  const since = window.rescan ? windowStart(start) : start.ts;
  if (since > until) return;
  const { http, logger, signal } = reader;
  const requested = [
    ...new Set([...hubspotProperties(object, properties), ...bookkeepingProperties(object)]),
  ];
  const path = hubspotObject(object).objectType;
  let cursor = start;
  let scan: Scan | null = firstScan(start, since);
  while (scan !== null) {
    const { body } = await http.request<ApiPage>('POST', `/crm/v3/objects/${path}/search`, {
      body: searchBody(object, scan, until, requested),
      search: true,
      ...(signal ? { signal } : {}),
    });
    const results = body?.results ?? [];
    const timed: { record: ApiRecord; ts: number }[] = [];
    for (const record of results) {
      const ts = modifiedAt(object, record);
      if (ts === undefined)
        logger.warn({ object, id: record.id }, 'hubspot: record without a modified time');
      else timed.push({ record, ts });
    }
    timed.sort((a, b) => a.ts - b.ts);
    const fresh: { record: ApiRecord; ts: number; cursor: Cursor }[] = [];
    for (const { record, ts } of timed) {
      const id = String(record.id);
      if (isSeenIn(cursor, window.seen, ts, id)) continue;
      cursor = advanceIn(cursor, window.seen, ts, id, window.overlapMs);
      fresh.push({ record, ts, cursor });
    }
    if (fresh.length > 0) {
      const refs = await associationsOf(
        http,
        object,
        fresh.map((f) => f.record),
        signal,
      );
      yield fresh.map((f) => ({
        record: toSourceRecord(
          object,
          f.record,
          changeOp(object, f.record),
          properties,
          refs.get(String(f.record.id)) ?? [],
          f.ts,
        ),
        cursor: f.cursor,
      }));
    }
    const last = results[results.length - 1];
    scan = nextScan(scan, {
      times: timed.map((t) => t.ts),
      lastId: last === undefined ? undefined : String(last.id),
      hasMore: body?.paging?.next !== undefined,
    });
  }
}
