import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../common/redis-client.ts';

/**
 * A lease in Redis that makes one instance the reader of a connection: held while renewed, taken
 * over by another instance within `ttlMs` once its holder dies. Each grant gets a fencing number
 * (a counter that only grows), so a position written by an old holder can be told from a new
 * one's. Both keys share a hash tag: one Redis Cluster slot.
 */
export interface Lease {
  /** The fencing number of the current grant, or null when not held. */
  readonly fence: number | null;
  /** Tries once to take the lease; true when held. */
  acquire(): Promise<boolean>;
  /** Extends a held lease; false when it was lost (expired and taken, or released). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

const acquireScript = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`;

const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export function createLease(
  redis: RedisClient,
  prefix: string,
  name: string,
  ttlMs: number,
): Lease {
  const tag = `{${name}}`;
  const key = `${prefix}:lease:${tag}`;
  const fenceKey = `${prefix}:fence:${tag}`;
  const token = randomUUID();
  let fence: number | null = null;

  return {
    get fence() {
      return fence;
    },
    async acquire() {
      if (fence !== null) return this.renew();
      const granted = Number(await redis.eval(acquireScript, 2, key, fenceKey, token, ttlMs));
      fence = granted > 0 ? granted : null;
      return fence !== null;
    },
    async renew() {
      if (fence === null) return false;
      const ok = Number(await redis.eval(renewScript, 1, key, token, ttlMs)) === 1;
      if (!ok) fence = null;
      return ok;
    },
    async release() {
      if (fence === null) return;
      fence = null;
      await redis.eval(releaseScript, 1, key, token);
    },
  };
}
