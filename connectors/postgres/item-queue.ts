/**
 * The buffer between the replication socket (pushing as messages arrive) and the stream's
 * consumer (taking batches): past `highWater` items it asks the producer to pause, and below
 * `lowWater` to resume, so a slow consumer holds the server back instead of filling memory.
 */
export interface ItemQueue<T> {
  push(items: readonly T[]): void;
  /** Up to `max` items, oldest first. */
  take(max: number): T[];
  /** Resolves when items arrive or the queue ends. */
  wait(): Promise<void>;
  /** No more items will come; `error` is what ended it, if anything failed. */
  end(error?: unknown): void;
  /** Drops what is buffered (after close: the stream redelivers it from the committed position). */
  discard(): void;
  readonly size: number;
  readonly ended: boolean;
  readonly error: unknown;
}

export interface QueueOptions {
  readonly highWater: number;
  readonly lowWater: number;
  readonly onPause?: () => void;
  readonly onResume?: () => void;
}

export function createItemQueue<T>(options: QueueOptions): ItemQueue<T> {
  let items: T[] = [];
  let head = 0;
  let paused = false;
  let ended = false;
  let error: unknown;
  let waiter: (() => void) | undefined;

  function wake() {
    const w = waiter;
    waiter = undefined;
    w?.();
  }

  function size() {
    return items.length - head;
  }

  return {
    push(batch) {
      if (ended || batch.length === 0) return;
      for (const item of batch) items.push(item);
      if (!paused && size() >= options.highWater) {
        paused = true;
        options.onPause?.();
      }
      wake();
    },
    take(max) {
      const out = items.slice(head, head + max);
      head += out.length;
      if (head === items.length) {
        items = [];
        head = 0;
      } else if (head > 4096 && head * 2 > items.length) {
        items = items.slice(head);
        head = 0;
      }
      if (paused && size() <= options.lowWater) {
        paused = false;
        options.onResume?.();
      }
      return out;
    },
    wait() {
      if (ended || size() > 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const previous = waiter;
        waiter = () => {
          previous?.();
          resolve();
        };
      });
    },
    end(cause) {
      if (ended) return;
      ended = true;
      error = cause;
      wake();
    },
    discard() {
      items = [];
      head = 0;
    },
    get size() {
      return size();
    },
    get ended() {
      return ended;
    },
    get error() {
      return error;
    },
  };
}
