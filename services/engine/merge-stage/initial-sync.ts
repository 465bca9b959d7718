import type { RedisClient } from '../../common/redis-client.ts';

/**
 * Where each sync's initial sync stands, in Redis, per generation (a start bumps it):
 * - `markers:{<sync>:<gen>}:p<q>`: the snapshot markers merge partition q has seen, as
 *   `<connectionId>/<changes partition>` members;
 * - `pending:{<sync>:<gen>}:p<q>`: the entities partition q holds until both snapshots are in;
 * - `init:{<sync>:<gen>}`: `p<q>` = 1 once partition q merged its pending entities, and the
 *   progress counters `total` and `done`.
 * All keys of one sync generation share a hash tag, so they sit in one Redis Cluster slot.
 */
export interface InitialSyncTracker {
  /** Records a marker; true when partition q now has every marker of both connections. */
  noteMarker(
    q: number,
    connectionId: string,
    fromPartition: number,
    partitions: number,
  ): Promise<boolean>;
  isPartitionDone(q: number): Promise<boolean>;
  hold(q: number, entityId: string): Promise<void>;
  pending(q: number): Promise<string[]>;
  /** Counts one held entity as merged (idempotent per entity). */
  merged(q: number, entityId: string): Promise<void>;
  /** Marks partition q done; true when every one of `partitionCount` partitions is. */
  finishPartition(q: number, partitionCount: number): Promise<boolean>;
  progress(): Promise<{ total: number; done: number }>;
}

export function createInitialSyncTracker(
  redis: RedisClient,
  prefix: string,
  sync: { id: string; generation: number; a: string; b: string },
): InitialSyncTracker {
  const tag = `{${sync.id}:${sync.generation}}`;
  const markers = (q: number) => `${prefix}:markers:${tag}:p${q}`;
  const pendingKey = (q: number) => `${prefix}:pending:${tag}:p${q}`;
  const mergedKey = (q: number) => `${prefix}:merged:${tag}:p${q}`;
  const init = `${prefix}:init:${tag}`;

  return {
    async noteMarker(q, connectionId, fromPartition, partitions) {
      await redis.sadd(markers(q), `${connectionId}/${fromPartition}`);
      const seen = await redis.smembers(markers(q));
      const complete = (conn: string) =>
        new Set(seen.filter((m) => m.startsWith(`${conn}/`))).size >= partitions;
      return complete(sync.a) && complete(sync.b);
    },
    async isPartitionDone(q) {
      return (await redis.hget(init, `p${q}`)) === '1';
    },
    async hold(q, entityId) {
      if ((await redis.sadd(pendingKey(q), entityId)) === 1) await redis.hincrby(init, 'total', 1);
    },
    pending: (q) => redis.smembers(pendingKey(q)),
    async merged(q, entityId) {
      if ((await redis.sadd(mergedKey(q), entityId)) === 1) await redis.hincrby(init, 'done', 1);
    },
    async finishPartition(q, partitionCount) {
      await redis.hset(init, `p${q}`, '1');
      const fields = await redis.hkeys(init);
      return fields.filter((f) => /^p\d+$/.test(f)).length >= partitionCount;
    },
    async progress() {
      const [total, done] = await redis.hmget(init, 'total', 'done');
      return { total: Number(total ?? 0), done: Number(done ?? 0) };
    },
  };
}
