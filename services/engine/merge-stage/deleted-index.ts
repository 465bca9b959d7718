import type { RedisClient } from '../../common/redis-client.ts';
import type { Side } from '../types.ts';

/**
 * The entities a sync saw deleted on each side (`deleted:{<sync>}:<side>` sets), so that
 * "resync deleted records" finds them without scanning every entity.
 */
export interface DeletedIndex {
  set(side: Side, entityId: string, deleted: boolean): Promise<void>;
  members(side: Side): Promise<string[]>;
}

export function createDeletedIndex(
  redis: RedisClient,
  prefix: string,
  syncId: string,
): DeletedIndex {
  const key = (side: Side) => `${prefix}:deleted:{${syncId}}:${side}`;
  return {
    async set(side, entityId, deleted) {
      if (deleted) await redis.sadd(key(side), entityId);
      else await redis.srem(key(side), entityId);
    },
    members: (side) => redis.smembers(key(side)),
  };
}
