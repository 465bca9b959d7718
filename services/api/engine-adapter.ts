import { isClusterClient, type RedisClient } from '../common/redis-client.ts';
import { createIdentityMap } from '../engine/identity/index.ts';
import { entityFields, entityKey } from '../engine/identity/keys.ts';
import { createInitialSyncTracker } from '../engine/merge-stage/initial-sync.ts';
import { redisAreas } from '../engine/redis-areas.ts';
import type { ResyncDeleted } from '../engine/resync-deleted.ts';
import type { EngineControl } from './deps.ts';
import { ApiError } from './errors.ts';

/**
 * The engine as a standalone api role sees it: initial-sync progress read from the processors'
 * tracker in Redis, the records of an entity and its merge states from the identity map, and resync-deleted run by
 * the role itself (`createResyncDeleted` over its own producer and writable identity map, see
 * `startApi`). Without `resyncDeleted` the action answers 503 `TANDEM_E_NOT_AVAILABLE`.
 */
export function createTrackerEngine(
  redis: RedisClient,
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
    mergeStates: (syncId, entityIds) => readMergeStates(redis, areas.identity, syncId, entityIds),
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

/**
 * The merge states of `entityIds` for one sync, read as they are in Redis (`<version> <json>` on
 * the entity hash) in one round: one pipeline on a single Redis; on a Cluster, where a pipeline
 * cannot span slots, concurrent reads that ioredis routes per node. Read-only on purpose: the
 * identity map's `loadStates` re-records a state whose changelog write is pending, a write this
 * role must not make; for display the state in Redis is the newest there is either way.
 * Unparseable ones read as undefined.
 */
export async function readMergeStates(
  redis: RedisClient,
  identityPrefix: string,
  syncId: string,
  entityIds: readonly string[],
): Promise<unknown[]> {
  if (entityIds.length === 0) return [];
  const keys = entityIds.map((id) => `${identityPrefix}:${entityKey(id)}`);
  const field = entityFields.state(syncId);
  return (await readFieldOfEach(redis, keys, field)).map((blob) => {
    if (blob === undefined) return undefined;
    const space = blob.indexOf(' ');
    try {
      return space < 1 ? undefined : (JSON.parse(blob.slice(space + 1)) as unknown);
    } catch {
      return undefined;
    }
  });
}

/** HGET `field` of each key; a failed or missing read is undefined. */
async function readFieldOfEach(
  redis: RedisClient,
  keys: readonly string[],
  field: string,
): Promise<(string | undefined)[]> {
  if (isClusterClient(redis)) {
    return Promise.all(
      keys.map((key) =>
        redis.hget(key, field).then(
          (v) => v ?? undefined,
          () => undefined,
        ),
      ),
    );
  }
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.hget(key, field);
  const replies = (await pipeline.exec()) ?? [];
  return keys.map((_, i) => {
    const [err, blob] = replies[i] ?? [null, null];
    return err || typeof blob !== 'string' ? undefined : blob;
  });
}
