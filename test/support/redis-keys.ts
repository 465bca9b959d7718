import {
  isClusterClient,
  keyspaceNodes,
  type RedisClient,
} from '../../services/common/redis-client.ts';

/**
 * Deletes every key under `prefix:` (SCAN, never KEYS or FLUSHALL: the Redis is shared). On a
 * Redis Cluster each master is scanned, and each key deleted on its own (keys of one DEL must
 * share a slot).
 */
export async function deletePrefixKeys(redis: RedisClient, prefix: string): Promise<number> {
  let deleted = 0;
  for (const node of keyspaceNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      if (isClusterClient(redis)) {
        const counts = await Promise.all(keys.map((key) => redis.del(key)));
        deleted += counts.reduce((a, b) => a + b, 0);
      } else {
        deleted += await redis.del(...keys);
      }
    } while (cursor !== '0');
  }
  return deleted;
}
