/**
 * Runs tasks one at a time, in the order they were pushed (e.g. applying the changes a role hears
 * of its config rows). A failed task goes to its `onError` and the next one runs.
 */
export interface SerialQueue {
  push(task: () => Promise<void>, onError: (err: unknown) => void): void;
  /** Resolves once every task pushed so far has run. */
  idle(): Promise<void>;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<void> = Promise.resolve();
  return {
    push(task, onError) {
      tail = tail.then(task).catch(onError);
    },
    idle: () => tail,
  };
}
