import type { Redis } from 'ioredis';
import { createIdentityMap } from '../engine/identity/index.ts';
import { createInitialSyncTracker } from '../engine/merge-stage/initial-sync.ts';
import type { EngineControl } from './deps.ts';
import { ApiError } from './errors.ts';

/**
 * The engine as a standalone api role sees it: initial-sync progress read from the processors'
 * tracker in Redis; resync-deleted needs a processor in the same process (`tandem all`).
 */
export function createTrackerEngine(redis: Redis, redisPrefix: string): EngineControl {
  // Reads only: a changelog that refuses writes keeps this adapter from ever writing links.
  const identity = createIdentityMap({
    redis,
    prefix: `${redisPrefix}:id`,
    changelog: {
      record: () => Promise.reject(new Error('the api role does not write the identity map')),
    },
  });
  return {
    progress: (sync) =>
      createInitialSyncTracker(redis, `${redisPrefix}:init`, {
        id: sync.id,
        generation: sync.generation,
        a: sync.a.connection,
        b: sync.b.connection,
      }).progress(),
    recordsOf: (entityId) => identity.entityRecords(entityId),
    resyncDeleted: () =>
      Promise.reject(
        new ApiError(
          'notAvailable',
          'resync-deleted is not available in the standalone api role: run the API with the processor (`tandem all`)',
        ),
      ),
  };
}
