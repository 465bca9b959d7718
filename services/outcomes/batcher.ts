/**
 * Gathers rows from several callers into one write: a batch is written once it holds
 * `maxRows` rows or `maxDelayMs` after its first row arrived, whichever comes first. Each
 * `add` resolves when the write holding its rows succeeded (or rejects with its error), so a
 * caller commits what it added only after the write was acknowledged. One write runs at a
 * time; rows added meanwhile wait for the next one.
 */
export interface BatcherOptions<T> {
  readonly maxRows: number;
  readonly maxDelayMs: number;
  readonly write: (rows: readonly T[]) => Promise<void>;
}

export interface Batcher<T> {
  add(rows: readonly T[]): Promise<void>;
  /** Writes what is waiting now, and resolves once every write started so far has ended. */
  flush(): Promise<void>;
}

interface Pending<T> {
  readonly rows: T[];
  readonly done: Promise<void>;
  settle(err?: unknown): void;
}

function pending<T>(): Pending<T> {
  let settle: (err?: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    settle = (err?: unknown) => (err === undefined ? resolve() : reject(err));
  });
  // A batch nobody waits for (all its callers gave up) must not crash the process.
  done.catch(() => {});
  return { rows: [], done, settle };
}

export function createBatcher<T>(options: BatcherOptions<T>): Batcher<T> {
  let open: Pending<T> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function ship(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = open;
    open = undefined;
    if (batch === undefined) return;
    writing = writing.then(async () => {
      try {
        await options.write(batch.rows);
        batch.settle();
      } catch (err) {
        batch.settle(err ?? new Error('write failed'));
      }
    });
  }

  return {
    add(rows) {
      if (rows.length === 0) return Promise.resolve();
      open ??= pending<T>();
      const batch = open;
      for (const row of rows) batch.rows.push(row);
      if (batch.rows.length >= options.maxRows) ship();
      else timer ??= setTimeout(ship, options.maxDelayMs);
      return batch.done;
    },
    async flush() {
      ship();
      await writing;
    },
  };
}
