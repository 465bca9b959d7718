import { fork, type ChildProcess } from 'node:child_process';
import type { Logger } from '../log/logger.ts';
import { CliError } from './cli-error.ts';
import { isReadyMessage, workerIndexEnv } from './worker-channel.ts';
import {
  afterWorkerEnd,
  defaultRestartPolicy,
  noRestarts,
  stoppedCleanly,
  type RestartHistory,
  type RestartPolicy,
} from './worker-restarts.ts';

export interface SuperviseOptions {
  /** The role, as its workers log it: `processor`, `connect`. */
  readonly name: string;
  readonly workers: number;
  readonly logger: Logger;
  readonly policy?: RestartPolicy;
}

/** One of the N places a worker runs in; its process changes when it is started again. */
interface Slot {
  readonly worker: number;
  child: ChildProcess | undefined;
  startedAt: number;
  ready: boolean;
  history: RestartHistory;
  restart: NodeJS.Timeout | undefined;
}

/**
 * `--workers N`: this process runs no part of the role; it forks N workers of it — the same
 * command, each with its number in TANDEM_WORKER_INDEX — and:
 *
 * - logs "<role> ready" once every worker has said it is ready (and again when a replaced worker
 *   is). The processor and connect serve no HTTP endpoint, so readiness is this line only;
 * - starts again a worker that ended on its own, after a backoff (see worker-restarts.ts), and
 *   gives up — every other worker stopped, the promise rejected — on one that keeps failing to
 *   start;
 * - forwards SIGINT and SIGTERM to every worker (a second signal again: a worker that is closing
 *   then ends at once, as a lone role does) and settles once all have exited: 0 when each closed
 *   cleanly, 1 otherwise.
 *
 * `child_process.fork` rather than `node:cluster`: cluster's one gift is a listening socket shared
 * by its workers, and these roles listen on nothing; fork takes the worker's environment as an
 * argument instead of branching on a module-wide `cluster.isPrimary`. Workers run detached (their
 * own process group) so that a terminal's Ctrl-C reaches them once, through this process, not twice;
 * a worker whose supervisor is killed outright notices its IPC channel close and stops itself.
 */
export function supervise(options: SuperviseOptions): Promise<number> {
  const { name, workers, logger } = options;
  const policy = options.policy ?? defaultRestartPolicy;
  const argv1 = process.argv[1];
  if (argv1 === undefined) return Promise.reject(new CliError(`${name}: no script to fork`));
  const script: string = argv1; // this very CLI; each worker runs it with the same arguments
  const slots: Slot[] = Array.from({ length: workers }, (_, i) => ({
    worker: i + 1,
    child: undefined,
    startedAt: 0,
    ready: false,
    history: noRestarts,
    restart: undefined,
  }));
  let stopSignal: NodeJS.Signals | undefined;
  let gaveUp: CliError | undefined;
  let failed = false;
  let allReady = false;

  return new Promise<number>((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals) => stop(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    function start(slot: Slot): void {
      slot.restart = undefined;
      slot.ready = false;
      slot.startedAt = Date.now();
      const child = fork(script, process.argv.slice(2), {
        env: { ...process.env, [workerIndexEnv]: String(slot.worker) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        detached: true,
      });
      slot.child = child;
      logger.info({ worker: slot.worker, workerPid: child.pid }, `${name} worker started`);
      let ended = false;
      const end = (code: number | null, signal: NodeJS.Signals | null) => {
        if (ended) return;
        ended = true;
        onEnd(slot, child, code, signal);
      };
      child.on('message', (message) => {
        if (isReadyMessage(message)) onReady(slot, child);
      });
      child.once('exit', end);
      child.on('error', (err) => {
        // Also emitted when a signal cannot be delivered (the worker just exited): only a
        // worker that never started has ended here.
        logger.error(
          { err, worker: slot.worker },
          `${name} worker could not be started or signalled`,
        );
        if (child.pid === undefined) end(null, null);
      });
    }

    function onReady(slot: Slot, child: ChildProcess): void {
      if (slot.child !== child || stopSignal !== undefined) return;
      slot.ready = true;
      if (!allReady && slots.every((s) => s.ready)) {
        allReady = true;
        logger.info({ workers, workerPids: slots.map((s) => s.child?.pid) }, `${name} ready`);
      }
    }

    function onEnd(
      slot: Slot,
      child: ChildProcess,
      code: number | null,
      signal: NodeJS.Signals | null,
    ): void {
      const wasReady = slot.ready;
      slot.child = undefined;
      slot.ready = false;
      allReady = false;
      const ending = { worker: slot.worker, workerPid: child.pid, code, signal };
      if (stopSignal !== undefined) {
        if (stoppedCleanly({ code, signal, wasReady }, stopSignal)) {
          logger.info(ending, `${name} worker stopped`);
        } else {
          failed = true;
          logger.error(ending, `${name} worker did not stop cleanly`);
        }
        settleWhenAllStopped();
        return;
      }
      const decision = afterWorkerEnd(
        slot.history,
        { wasReady, upMs: Date.now() - slot.startedAt },
        policy,
      );
      if (!decision.restart) {
        gaveUp = new CliError(
          `${name}: worker ${slot.worker} ended before it was ready ${decision.startFailuresInARow} times in a row (last: ${describeEnd(code, signal)}); giving up (its own error is logged above)`,
        );
        logger.error(ending, gaveUp.message);
        stop('SIGTERM');
        return;
      }
      slot.history = decision.history;
      logger.warn(
        { ...ending, restartInMs: decision.delayMs, ready: slots.filter((s) => s.ready).length },
        `${name} worker ended (${describeEnd(code, signal)}); starting it again`,
      );
      slot.restart = setTimeout(() => start(slot), decision.delayMs);
    }

    function stop(signal: NodeJS.Signals): void {
      if (stopSignal === undefined) {
        stopSignal = signal;
        logger.info({ signal, workers }, `${name} stopping its workers`);
      }
      for (const slot of slots) {
        clearTimeout(slot.restart);
        slot.restart = undefined;
        slot.child?.kill(signal);
      }
      settleWhenAllStopped();
    }

    function settleWhenAllStopped(): void {
      if (stopSignal === undefined || slots.some((s) => s.child !== undefined)) return;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (gaveUp) reject(gaveUp);
      else resolve(failed ? 1 : 0);
    }

    for (const slot of slots) start(slot);
  });
}

function describeEnd(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `killed by ${signal}`;
  return code === null ? 'could not start' : `exit code ${code}`;
}
