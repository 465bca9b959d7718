import type { RedisClient } from '../../common/redis-client.ts';

/**
 * Where each sync's initial sync stands, in Redis, per generation (a start bumps it):
 * - `markers:{<sync>:<gen>}:p<q>`: the snapshot markers merge partition q has seen, as
 *   `<connectionId>/<changes partition>` members;
 * - `pending:{<sync>:<gen>}:p<q>`: the entities partition q holds until both snapshots are in;
 * - `init:{<sync>:<gen>}`: `p<q>` = 1 once partition q merged its pending entities, and the
 *   progress counters `total` and `done`.
 * All keys of one sync generation share a hash tag, so they sit in one Redis Cluster slot, and a
 * set and its counter change in one script.
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

/**
 * Adds ARGV[1] to set KEYS[1] and, when it was new, counts it in field ARGV[2] of KEYS[2]: one
 * atomic step, so a command resent after its reply was lost (a reconnect, a Cluster failover)
 * neither skips nor doubles the count.
 */
const addAndCount = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
end
return 0`;

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
      await redis.eval(addAndCount, 2, pendingKey(q), init, entityId, 'total');
    },
    pending: (q) => redis.smembers(pendingKey(q)),
    async merged(q, entityId) {
      await redis.eval(addAndCount, 2, mergedKey(q), init, entityId, 'done');
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
