/**
 * What a supervisor and the workers it forked say to each other: the worker's number, given in
 * its environment, and one message over the IPC channel, "ready". Nothing else crosses: each
 * worker reads the configuration itself, as any process of the role does.
 */

/** Internal, set by the supervisor only (not a setting): the worker's number, 1 to N. */
export const workerIndexEnv = 'TANDEM_WORKER_INDEX';

const readyMessage = 'tandem:worker-ready';

export function isReadyMessage(message: unknown): boolean {
  return message === readyMessage;
}

/**
 * This process's number when a supervisor forked it as one of its workers: the variable set and
 * an IPC channel open (a process started by hand with the variable set is not a worker).
 */
export function workerIndex(
  env: NodeJS.ProcessEnv = process.env,
  hasChannel = typeof process.send === 'function',
): number | undefined {
  const raw = env[workerIndexEnv];
  if (!hasChannel || raw === undefined || !/^[1-9]\d*$/.test(raw)) return undefined;
  return Number(raw);
}

/** Tells the supervisor this worker is ready; a supervisor already gone is no error. */
export function reportReady(): void {
  if (process.connected) process.send?.(readyMessage, undefined, {}, () => undefined);
}

/**
 * Resolves when the supervisor is gone (its IPC channel closed: it was killed, or crashed), so a
 * worker never outlives it. Polled on an unref'd timer rather than with a 'disconnect' listener,
 * which would hold the channel open and keep an idle worker alive. Stops polling on `abort`.
 */
export function untilSupervisorGone(abort: AbortSignal, everyMs = 500): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!process.connected) {
        clearInterval(timer);
        resolve();
      }
    }, everyMs);
    timer.unref();
    abort.addEventListener('abort', () => clearInterval(timer), { once: true });
  });
}
