import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { endpoints, uniqueName } from '../support/endpoints.ts';

const redis = new Redis(endpoints().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
afterAll(() => redis.quit());

// A match-or-claim in one step: the first caller claims the key for its entity, later callers
// get the entity that holds it. The shape the identity map's scripts take.
const claim = `
local held = redis.call('GET', KEYS[1])
if held then return {0, held} end
redis.call('SET', KEYS[1], ARGV[1])
return {1, ARGV[1]}
`;

describe('Redis', () => {
  it('runs a Lua script atomically: the first claim wins, later ones see it', async () => {
    const prefix = uniqueName('lua');
    redis.defineCommand('claim', { numberOfKeys: 1, lua: claim });
    const run = (entity: string) =>
      (redis as unknown as { claim(k: string, v: string): Promise<[number, string]> }).claim(
        `${prefix}:email:{a@example.com}`,
        entity,
      );
    const results = await Promise.all(['e1', 'e2', 'e3'].map(run));
    expect(results.filter(([won]) => won === 1)).toHaveLength(1);
    const winner = results.find(([won]) => won === 1)?.[1];
    for (const [, holder] of results) expect(holder).toBe(winner);
    await redis.del(`${prefix}:email:{a@example.com}`);
  });
});
