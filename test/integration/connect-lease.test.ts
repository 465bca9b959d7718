import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLease } from '../../services/connect/lease.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { deletePrefixKeys } from '../support/redis-keys.ts';

const redis = new Redis(endpoints().redisUrl);
const prefix = uniqueName('lease');
afterAll(async () => {
  await deletePrefixKeys(redis, prefix);
  redis.disconnect();
});

describe('connect: the reader lease on real Redis', () => {
  it('is held by one instance at a time and taken over with a higher fence once it expires', async () => {
    const first = createLease(redis, prefix, 'conn-1', 300);
    const second = createLease(redis, prefix, 'conn-1', 300);
    expect(await first.acquire()).toBe(true);
    expect(await second.acquire()).toBe(false);
    expect(await first.renew()).toBe(true);
    const fence = first.fence ?? 0;

    await new Promise((r) => setTimeout(r, 400));
    expect(await second.acquire()).toBe(true);
    expect(second.fence).toBeGreaterThan(fence);
    // The old holder learns it lost the lease and cannot extend the new holder's grant.
    expect(await first.renew()).toBe(false);
    expect(first.fence).toBeNull();
    await first.release();
    expect(await createLease(redis, prefix, 'conn-1', 300).acquire()).toBe(false);

    await second.release();
    expect(await first.acquire()).toBe(true);
  });

  it('keeps the leases of different connections apart', async () => {
    expect(await createLease(redis, prefix, 'conn-a', 1_000).acquire()).toBe(true);
    expect(await createLease(redis, prefix, 'conn-b', 1_000).acquire()).toBe(true);
  });
});
