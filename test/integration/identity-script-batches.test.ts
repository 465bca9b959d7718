import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defineScripts,
  runRound,
  scriptsOn,
  type RoundOp,
} from '../../services/engine/identity/scripts.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { deletePrefixKeys } from '../support/redis-keys.ts';

/**
 * The batch forms of the identity scripts (one command for a run of calls) must answer and write
 * exactly what the same calls made one command each do, in the same order. Each case runs one
 * random sequence of calls over a few keys both ways, under two prefixes, and compares the
 * replies and everything left in Redis.
 */
const env = endpoints();
const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 2 });
defineScripts(redis);
const root = uniqueName('idbatch');

afterAll(async () => {
  await deletePrefixKeys(redis, root);
  redis.disconnect();
});

const value = fc.constantFrom('e1', 'e2', 'e3', 'r1', 'r2');
const strings = ['s0', 's1', 's2'];
const hashes = ['h0', 'h1', 'h2'];
const stringKey = fc.constantFrom(...strings);
const hashKey = fc.constantFrom(...hashes);
const field = fc.constantFrom('e', 'k', 'p', 'conn:x', 'conn:y', 'retired', 'state:s', 'dirty:s');

/** A call of each script (and HMGET) with arguments that reach its branches. */
const op: fc.Arbitrary<RoundOp> = fc.oneof(
  fc
    .tuple(hashKey, value, value)
    .map(([k, a, b]) => ({ command: 'peek' as const, key: k, args: [a, b] })),
  fc.tuple(stringKey, value).map(([k, a]) => ({ command: 'getOrSet' as const, key: k, args: [a] })),
  fc
    .tuple(stringKey, value, value)
    .map(([k, a, b]) => ({ command: 'compareAndSet' as const, key: k, args: [a, b] })),
  fc
    .tuple(hashKey, value, value)
    .map(([k, a, b]) => ({ command: 'linkRecord' as const, key: k, args: [a, b] })),
  fc
    .tuple(hashKey, field, value, value)
    .map(([k, f, a, b]) => ({ command: 'hashCompareAndSet' as const, key: k, args: [f, a, b] })),
  fc
    .tuple(hashKey, field, value)
    .map(([k, f, a]) => ({ command: 'hashCompareAndDelete' as const, key: k, args: [f, a] })),
  fc
    .tuple(hashKey, fc.constantFrom('conn:x', 'conn:y'), value)
    .map(([k, f, a]) => ({ command: 'register' as const, key: k, args: [f, a] })),
  fc.tuple(hashKey, value).map(([k, a]) => ({ command: 'retire' as const, key: k, args: [a] })),
  fc
    .tuple(hashKey, value, value)
    .map(([k, a, b]) => ({ command: 'forceLink' as const, key: k, args: [a, b] })),
  fc
    .tuple(hashKey, fc.constantFrom('conn:x', 'conn:y'), value, value)
    .map(([k, f, a, b]) => ({ command: 'detach' as const, key: k, args: [f, a, b] })),
  fc.tuple(hashKey, fc.nat({ max: 2 }), value).map(([k, v, j]) => ({
    command: 'saveState' as const,
    key: k,
    args: ['state:s', 'dirty:s', String(v), `{"v":"${j}"}`],
  })),
  fc
    .tuple(hashKey, field, field)
    .map(([k, f, g]) => ({ command: 'hmget' as const, key: k, args: [f, g] })),
);

async function dump(prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const k of strings) out[k] = await redis.get(`${prefix}:${k}`);
  for (const k of hashes) out[k] = await redis.hgetall(`${prefix}:${k}`);
  return out;
}

const at = (prefix: string, ops: readonly RoundOp[]) =>
  ops.map((o) => ({ ...o, key: `${prefix}:${o.key}` }));

describe('identity script batches', () => {
  it('answer and write what one command per call does', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 2, maxLength: 40 }), async (ops) => {
        run += 1;
        const one = `${root}:one:${run}`;
        const batched = `${root}:batch:${run}`;
        // One command per call, in order.
        const single: unknown[] = [];
        for (const o of at(one, ops)) single.push(...(await runRound(redis, [o])));
        // The same calls as one round (consecutive calls of one script become one batch).
        const together = await runRound(redis, at(batched, ops));
        expect(together).toEqual(single);
        expect(await dump(batched)).toEqual(await dump(one));
      }),
      { numRuns: 60 },
    );
  });

  it('gathers the calls of one tick into one round, each answered as its own', async () => {
    const prefix = `${root}:tick`;
    const s = scriptsOn(redis);
    const keys = Array.from({ length: 200 }, (_, i) => `${prefix}:m${i % 50}`);
    // Every command Redis runs that names one of these keys, seen through MONITOR.
    const monitor = await redis.monitor();
    let commands = 0;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      // Commands a script runs show up too, with source 'lua'; count the client's commands.
      if (source !== 'lua' && args.some((a) => a.startsWith(`${prefix}:`))) commands += 1;
    });
    // 200 concurrent claims of 50 keys: the first claim of each key wins, in call order.
    const holders = await Promise.all(keys.map((k, i) => s.getOrSet(k, `e${i}`)));
    expect(holders).toEqual(keys.map((_, i) => `e${i % 50}`));
    await redis.ping();
    await new Promise((r) => setTimeout(r, 100));
    monitor.disconnect();
    // One batch (a first EVAL when the script cache is cold adds one), not 200 commands.
    expect(commands).toBeGreaterThan(0);
    expect(commands).toBeLessThanOrEqual(2);
  });

  it('fails every call of a batch whose script fails, and only those', async () => {
    const prefix = `${root}:wrongtype`;
    await redis.set(`${prefix}:h`, 'a string where a hash is expected');
    const s = scriptsOn(redis);
    const results = await Promise.allSettled([
      s.register(`${prefix}:ok`, 'conn:x', 'r1'),
      s.register(`${prefix}:h`, 'conn:x', 'r1'),
      s.getOrSet(`${prefix}:m`, 'e1'),
    ]);
    expect(results[0]?.status).toBe('rejected');
    expect(results[1]?.status).toBe('rejected');
    expect(results[2]).toEqual({ status: 'fulfilled', value: 'e1' });
  });
});
