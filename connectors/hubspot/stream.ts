import type { ObjectType } from '../../services/engine/types.ts';
import type { Logger } from '../../services/log/logger.ts';
import type { ChangeStream, ReadOptions, StreamItem } from '../sdk/types.ts';
import { pollChanges, type ReadChange } from './changes.ts';
import { advance, createSeenWindow, pruneSeen, type SeenWindow } from './cursor.ts';
import { listArchived, newDeletes } from './deletes.ts';
import type { HubSpotHttp } from './http.ts';
import { type Cursor, type HubSpotPosition, type ObjectPosition, startCursor } from './position.ts';
import { deleteRecord } from './records.ts';

/** Archived records are listed every this many polls (the first poll included). */
export const ARCHIVE_SCAN_EVERY = 5;

/**
 * How often, over its length, the change cursor's window is read again (cursor.ts, "Late
 * indexing"): a poll reads it again once `indexOverlapMs / WINDOW_READS` has passed since the last
 * time (the first poll always, so a resumed stream starts with it), after it has read the new
 * changes, so the re-read never delays them. A record indexed late is found about that long after
 * it becomes searchable; each change is read about this many times more while in the window (one
 * search per 200 changes the window holds).
 */
export const WINDOW_READS = 2;

export interface StreamSettings {
  readonly http: HubSpotHttp;
  readonly logger: Logger;
  readonly objects: readonly ObjectType[];
  readonly propertiesOf: (object: ObjectType) => readonly string[];
  readonly pollIntervalMs: number;
  readonly indexLagMs: number;
  /** How far behind its newest change the change cursor keeps a window to read again. */
  readonly indexOverlapMs: number;
}

type Item = StreamItem<HubSpotPosition>;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/**
 * The change stream: polls every object's changes (search API) and, every few polls, its archived
 * records; each change carries the position after it, each poll ends with a checkpoint. Nothing is
 * held on HubSpot's side, so `commit` releases nothing.
 */
export function openStream(
  settings: StreamSettings,
  from: HubSpotPosition,
  options: ReadOptions = {},
): ChangeStream<HubSpotPosition> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) stop.abort();
  const signal = stop.signal;

  const now = Date.now();
  const state: Partial<Record<ObjectType, ObjectPosition>> = { ...from.objects };
  for (const object of settings.objects) {
    state[object] ??= { changes: startCursor(now), deletes: startCursor(now) };
  }
  const position = (): HubSpotPosition => ({ objects: { ...state } });
  const windows = new Map<ObjectType, SeenWindow>();
  const lastWindowRead = new Map<ObjectType, number>();
  /** Whether this poll of `object` reads its window again (and notes that it does). */
  const rereads = (object: ObjectType): boolean => {
    if (settings.indexOverlapMs <= 0) return false;
    const now = Date.now();
    const last = lastWindowRead.get(object);
    if (last !== undefined && now - last < settings.indexOverlapMs / WINDOW_READS) return false;
    lastWindowRead.set(object, now);
    return true;
  };
  const seenOf = (object: ObjectType): SeenWindow => {
    let seen = windows.get(object);
    if (!seen) {
      seen = createSeenWindow();
      windows.set(object, seen);
    }
    return seen;
  };

  async function* objectItems(object: ObjectType, poll: number): AsyncGenerator<Item[]> {
    const reader = { http: settings.http, logger: settings.logger, signal };
    const until = Date.now() - settings.indexLagMs;
    const start = state[object];
    if (!start) return;
    const seen = seenOf(object);
    const read = (cursor: Cursor, bound: number, rescan: boolean) =>
      pollChanges(reader, object, settings.propertiesOf(object), cursor, bound, {
        seen,
        overlapMs: settings.indexOverlapMs,
        rescan,
      });
    const apply = (page: readonly ReadChange[]): Item[] =>
      page.map(({ record, cursor }) => {
        state[object] = { changes: cursor, deletes: state[object]?.deletes ?? cursor };
        return { kind: 'change', record, position: position() };
      });
    // The new changes first, then (now and then) the window behind the cursor for late ones:
    // everything after the cursor is new, so the re-read stops at its time.
    for await (const page of read(start.changes, until, false)) yield apply(page);
    const after = state[object]?.changes;
    if (after && rereads(object)) {
      for await (const page of read(after, after.ts, true)) yield apply(page);
    }
    const changes = state[object]?.changes;
    if (changes) pruneSeen(seen, changes);
    if (poll % ARCHIVE_SCAN_EVERY !== 0) return;
    const archived = await listArchived(settings.http, object, signal);
    const current = state[object];
    if (!current) return;
    const deletes = newDeletes(archived, current.deletes);
    if (deletes.length === 0) return;
    let cursor = current.deletes;
    yield deletes.map((d) => {
      cursor = advance(cursor, d.at, d.id);
      state[object] = { changes: state[object]?.changes ?? cursor, deletes: cursor };
      return { kind: 'change', record: deleteRecord(object, d.id, d.at), position: position() };
    });
  }

  async function* run(): AsyncGenerator<readonly Item[]> {
    try {
      for (let poll = 0; !signal.aborted; poll += 1) {
        for (const object of settings.objects) {
          for await (const items of objectItems(object, poll)) {
            if (signal.aborted) return;
            yield items;
          }
        }
        if (signal.aborted) return;
        yield [{ kind: 'checkpoint', position: position() }];
        await sleep(settings.pollIntervalMs, signal);
      }
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    [Symbol.asyncIterator]: () => run(),
    commit: () => Promise.resolve(),
    close() {
      stop.abort();
      return Promise.resolve();
    },
  };
}
