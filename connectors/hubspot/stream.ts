import type { ObjectType } from '../../services/engine/types.ts';
import type { Logger } from '../../services/log/logger.ts';
import type { ChangeStream, ReadOptions, StreamItem } from '../sdk/types.ts';
import { pollChanges } from './changes.ts';
import { advance } from './cursor.ts';
import { listArchived, newDeletes } from './deletes.ts';
import type { HubSpotHttp } from './http.ts';
import { type HubSpotPosition, type ObjectPosition, startCursor } from './position.ts';
import { deleteRecord } from './records.ts';

/** Archived records are listed every this many polls (the first poll included). */
export const ARCHIVE_SCAN_EVERY = 5;

export interface StreamSettings {
  readonly http: HubSpotHttp;
  readonly logger: Logger;
  readonly objects: readonly ObjectType[];
  readonly propertiesOf: (object: ObjectType) => readonly string[];
  readonly pollIntervalMs: number;
  readonly indexLagMs: number;
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

  async function* objectItems(object: ObjectType, poll: number): AsyncGenerator<Item[]> {
    const reader = { http: settings.http, logger: settings.logger, signal };
    const until = Date.now() - settings.indexLagMs;
    const start = state[object];
    if (!start) return;
    for await (const page of pollChanges(
      reader,
      object,
      settings.propertiesOf(object),
      start.changes,
      until,
    )) {
      yield page.map(({ record, cursor }) => {
        state[object] = { changes: cursor, deletes: state[object]?.deletes ?? cursor };
        return { kind: 'change', record, position: position() };
      });
    }
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
