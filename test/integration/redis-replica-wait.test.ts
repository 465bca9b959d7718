import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRedisClient,
  replicaWait,
  type RedisClient,
} from '../../services/common/redis-client.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { redisClusterUrl, requireRedisCluster } from '../support/redis-cluster.ts';

// TANDEM_REDIS_WAIT_REPLICAS: a chunk's writes must reach that many replicas of each master before
// the stage produces or commits. On the local Redis Cluster (one replica per master) one replica
// answers; the suite's single Redis has none, so the check must refuse, naming the setting.

const url = redisClusterUrl();
let cluster: RedisClient;
let single: RedisClient;

beforeAll(async () => {
  await requireRedisCluster(url);
  cluster = createRedisClient(url, { maxRetriesPerRequest: 3 });
  single = createRedisClient(endpoints().redisUrl, { maxRetriesPerRequest: 3 });
});

afterAll(async () => {
  await Promise.all([cluster.quit(), single.quit()]);
});

describe('replicaWait', () => {
  it('resolves on a Redis Cluster once every master has a replica holding the writes', async () => {
    const prefix = uniqueName('wait');
    const keys = Array.from({ length: 30 }, (_, i) => `${prefix}:${i}`);
    await Promise.all(keys.map((k) => cluster.set(k, 'v', 'PX', 60_000)));
    await expect(replicaWait(cluster, 1)()).resolves.toBeUndefined();
    await Promise.all(keys.map((k) => cluster.del(k)));
  });

  it('rejects, naming the setting, when a master has fewer replicas than asked', async () => {
    const key = uniqueName('wait');
    await single.set(key, 'v', 'PX', 60_000);
    const started = Date.now();
    await expect(replicaWait(single, 1, 200)()).rejects.toThrow(
      /0 of 1 replicas acknowledged .*TANDEM_REDIS_WAIT_REPLICAS/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await single.del(key);
  });

  it('rejects on the cluster when more replicas are asked than each master has', async () => {
    await expect(replicaWait(cluster, 2, 200)()).rejects.toThrow(/1 of 2 replicas/);
  });
});
