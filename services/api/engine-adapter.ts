import type { Redis } from 'ioredis';
import { createIdentityMap } from '../engine/identity/index.ts';
import { createInitialSyncTracker } from '../engine/merge-stage/initial-sync.ts';
import { redisAreas } from '../engine/redis-areas.ts';
import type { ResyncDeleted } from '../engine/resync-deleted.ts';
import type { EngineControl } from './deps.ts';
import { ApiError } from './errors.ts';

/**
 * The engine as a standalone api role sees it: initial-sync progress read from the processors'
 * tracker in Redis, the records of an entity from the identity map, and resync-deleted run by
 * the role itself (`createResyncDeleted` over its own producer and writable identity map, see
 * `startApi`). Without `resyncDeleted` the action answers 503 `TANDEM_E_NOT_AVAILABLE`.
 */
export function createTrackerEngine(
  redis: Redis,
  redisPrefix: string,
  resyncDeleted?: ResyncDeleted,
): EngineControl {
  const areas = redisAreas(redisPrefix);
  // Reads only: a changelog that refuses writes keeps this adapter from ever writing links.
  const identity = createIdentityMap({
    redis,
    prefix: areas.identity,
    changelog: {
      record: () => Promise.reject(new Error('the api role does not write the identity map')),
    },
  });
  return {
    progress: (sync) =>
      createInitialSyncTracker(redis, areas.initialSync, {
        id: sync.id,
        generation: sync.generation,
        a: sync.a.connection,
        b: sync.b.connection,
      }).progress(),
    recordsOf: (entityId) => identity.entityRecords(entityId),
    resyncDeleted:
      resyncDeleted ??
      (() =>
        Promise.reject(
          new ApiError(
            'notAvailable',
            'resync-deleted is not available: this API was started without a Kafka producer and schema registry for the engine',
          ),
        )),
  };
}
