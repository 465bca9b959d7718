import type { ObjectType } from '../../services/engine/types.ts';
import type { ConnectorSession, ReadOptions, SourceRecord, StreamItem } from './types.ts';

/** What `read` yields: stream items, plus the end of each object's snapshot. */
export type ReadItem<P> =
  | StreamItem<P>
  | {
      readonly kind: 'snapshot-done';
      readonly object: ObjectType;
      readonly count: number;
      readonly position: P;
    };

export interface ReadHandle<P> extends AsyncIterable<readonly ReadItem<P>[]> {
  commit(position: P): Promise<void>;
  close(): Promise<void>;
}

/**
 * A connection's whole read (the SDK's `read`): with no position, the stream's start position is
 * fixed first, then every object is snapshotted (changes with no position: a crash in the middle
 * redoes the snapshot) and closed by a `snapshot-done` carrying that start position, then the
 * change stream runs from it. A change made during the snapshot is seen by both, which is
 * idempotent in effect. With a position, only the stream runs.
 */
export function read<P>(
  session: ConnectorSession<P>,
  from: P | null,
  options: ReadOptions = {},
): ReadHandle<P> {
  let stream: Awaited<ReturnType<ConnectorSession<P>['stream']>> | undefined;
  let closed = false;

  async function* items(): AsyncGenerator<readonly ReadItem<P>[]> {
    let start = from;
    if (start === null) {
      start = await session.startPosition();
      for (const object of session.objects()) {
        let count = 0;
        for await (const batch of session.snapshot(object, options)) {
          count += batch.length;
          yield batch.map((record: SourceRecord) => ({ kind: 'change', record, position: null }));
          if (closed) return;
        }
        yield [{ kind: 'snapshot-done', object, count, position: start }];
      }
    }
    if (closed) return;
    stream = await session.stream(start, options);
    for await (const batch of stream) {
      yield batch;
      if (closed) return;
    }
  }

  return {
    [Symbol.asyncIterator]: () => items(),
    commit: async (position) => {
      await stream?.commit(position);
    },
    async close() {
      closed = true;
      await stream?.close();
    },
  };
}
