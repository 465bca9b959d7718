/**
 * When a supervisor starts again a worker that ended on its own, and when it stops trying: pure
 * rules over one worker slot's history, so they are tested without a process.
 *
 * - The delay doubles with each end in a row (1 s, 2 s, 4 s … up to 30 s); a worker that stayed up
 *   a minute before it ended starts over at the first delay.
 * - A worker that ends before it reported ready, five times in a row, will not start (bad
 *   configuration, a system it needs refusing it): the supervisor gives up rather than loop.
 */
export interface RestartPolicy {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** A worker up this long before it ended was healthy: its next restart waits the first delay. */
  readonly stableAfterMs: number;
  /** Ends before ready, in a row, after which the supervisor gives up. */
  readonly maxStartFailures: number;
}

export const defaultRestartPolicy: RestartPolicy = Object.freeze({
  firstDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
  maxStartFailures: 5,
});

/** One worker slot's past, as far as the rules need it. */
export interface RestartHistory {
  /** Ends in a row, each after less than `stableAfterMs` up. */
  readonly endsInARow: number;
  /** Ends in a row before the worker reported ready. */
  readonly startFailuresInARow: number;
}

export const noRestarts: RestartHistory = Object.freeze({ endsInARow: 0, startFailuresInARow: 0 });

/** How a worker ended: whether it had reported ready, and how long it ran. */
export interface WorkerEnd {
  readonly wasReady: boolean;
  readonly upMs: number;
}

export type RestartDecision =
  | { readonly restart: true; readonly delayMs: number; readonly history: RestartHistory }
  | { readonly restart: false; readonly startFailuresInARow: number };

/** What to do after a worker ended while nobody asked it to stop. */
export function afterWorkerEnd(
  history: RestartHistory,
  end: WorkerEnd,
  policy: RestartPolicy = defaultRestartPolicy,
): RestartDecision {
  const startFailuresInARow = end.wasReady ? 0 : history.startFailuresInARow + 1;
  if (startFailuresInARow >= policy.maxStartFailures)
    return { restart: false, startFailuresInARow };
  const endsInARow = end.upMs >= policy.stableAfterMs ? 1 : history.endsInARow + 1;
  const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (endsInARow - 1));
  return { restart: true, delayMs, history: { endsInARow, startFailuresInARow } };
}

/** How a worker ended when the supervisor asked it to stop (it forwarded `stopSignal`). */
export interface StoppedWorker {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly wasReady: boolean;
}

/**
 * Whether a worker asked to stop stopped well: it closed and exited 0 — or it was still starting,
 * not yet listening for signals, and the signal ended it as it ends a lone role that is starting
 * (what it had read and not committed is read again: positions follow acknowledged writes).
 */
export function stoppedCleanly(end: StoppedWorker, stopSignal: NodeJS.Signals): boolean {
  return end.code === 0 || (!end.wasReady && end.signal === stopSignal);
}
