import type { Consumer } from 'kafkajs';
import type { Logger } from '../log/logger.ts';

/** How often work still running for a batch tells the group its consumer is alive. */
const heartbeatEveryMs = 3_000;

/**
 * Runs `work` (one batch's handling), telling the group every few seconds that the consumer is
 * alive: work that waits long on a system (a database down for a minute) must not cost the
 * consumer its place in the group — the group would move on and refuse the batch's commit.
 */
export async function withHeartbeats<T>(
  heartbeat: () => Promise<void>,
  work: () => Promise<T>,
): Promise<T> {
  const timer = setInterval(() => {
    heartbeat().catch(() => undefined);
  }, heartbeatEveryMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export interface RestartOptions {
  readonly logger: Logger;
  readonly groupId: string;
  /** Connects, subscribes and runs the consumer (what started it the first time). */
  readonly start: () => Promise<void>;
  readonly delayMs?: number;
}

/**
 * kafkajs restarts a crashed consumer only after a retriable error. Any other (a commit refused
 * after the group moved on, an error a handler threw) leaves it stopped for good while its
 * process runs on. This starts it again, from the last committed offsets, until `stop()`.
 */
export function restartAfterCrash(consumer: Consumer, options: RestartOptions) {
  const { logger, groupId } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (stopped) return;
      logger.warn({ groupId }, 'consumer restarting after a crash');
      options.start().catch((err: unknown) => {
        logger.error({ err, groupId }, 'consumer restart failed; trying again');
        void consumer.disconnect().catch(() => undefined);
        schedule();
      });
    }, options.delayMs ?? 5_000);
  };
  consumer.on(consumer.events.CRASH, (e) => {
    logger.error({ err: e.payload.error, groupId, restart: e.payload.restart }, 'consumer crashed');
    if (!e.payload.restart) schedule();
  });
  return {
    stop(): void {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
