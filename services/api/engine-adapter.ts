import type { Redis } from 'ioredis';
import { createInitialSyncTracker } from '../engine/merge-stage/initial-sync.ts';
import type { EngineControl } from './deps.ts';
import { ApiError } from './errors.ts';

/**
 * The engine as a standalone api role sees it: initial-sync progress read from the processors'
 * tracker in Redis; resync-deleted needs a processor in the same process (`tandem all`).
 */
export function createTrackerEngine(redis: Redis, redisPrefix: string): EngineControl {
  return {
    progress: (sync) =>
      createInitialSyncTracker(redis, `${redisPrefix}:init`, {
        id: sync.id,
        generation: sync.generation,
        a: sync.a.connection,
        b: sync.b.connection,
      }).progress(),
    resyncDeleted: () =>
      Promise.reject(
        new ApiError(
          'notAvailable',
          'resync-deleted is not available in the standalone api role: run the API with the processor (`tandem all`)',
        ),
      ),
  };
}
