/**
 * The buffer between the binlog reader (pushes from socket callbacks) and the stream's consumer
 * (pulls batches). Past `high` items it asks the producer to pause, and below `low` to resume, so a
 * slow consumer holds the binlog back on the server instead of in memory. A waiting `take` wakes
 * in a microtask, so every event of one socket read (a transaction's rows and its commit) arrives
 * in one batch.
 */
export interface ChangeQueue<T> {
  push(item: T): void;
  /** Replaces the newest item not yet taken; false when the queue is empty. */
  updateLast(update: (item: T) => T): boolean;
  /** Up to `max` items; waits while empty; null once closed; rejects once failed. */
  take(max: number): Promise<T[] | null>;
  fail(error: unknown): void;
  close(): void;
  readonly size: number;
  readonly closed: boolean;
}

export interface Watermarks {
  readonly high: number;
  readonly low: number;
  readonly pause: () => void;
  readonly resume: () => void;
}

export function createChangeQueue<T>(marks?: Watermarks): ChangeQueue<T> {
  let items: T[] = [];
  let closed = false;
  let failure: { error: unknown } | null = null;
  let paused = false;
  let waiter: (() => void) | null = null;
  let wakeScheduled = false;

  function wake() {
    if (!waiter || wakeScheduled) return;
    wakeScheduled = true;
    queueMicrotask(() => {
      wakeScheduled = false;
      const w = waiter;
      waiter = null;
      w?.();
    });
  }

  function drain(max: number): T[] {
    const batch = items.length <= max ? items : items.slice(0, max);
    items = items.length <= max ? [] : items.slice(max);
    if (marks && paused && items.length <= marks.low) {
      paused = false;
      marks.resume();
    }
    return batch;
  }

  return {
    push(item) {
      if (closed || failure) return;
      items.push(item);
      if (marks && !paused && items.length >= marks.high) {
        paused = true;
        marks.pause();
      }
      wake();
    },
    updateLast(update) {
      const last = items.length - 1;
      if (last < 0) return false;
      items[last] = update(items[last] as T);
      return true;
    },
    async take(max) {
      for (;;) {
        if (failure) throw failure.error;
        if (closed) return null;
        if (items.length > 0) return drain(max);
        await new Promise<void>((resolve) => {
          waiter = resolve;
        });
      }
    },
    fail(error) {
      if (closed || failure) return;
      failure = { error };
      items = [];
      wake();
    },
    close() {
      closed = true;
      items = [];
      wake();
    },
    get size() {
      return items.length;
    },
    get closed() {
      return closed || failure !== null;
    },
  };
}
