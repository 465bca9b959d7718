import type { Cluster } from 'ioredis';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLease } from '../../services/connect/lease.ts';
import { createChangelog, createIdentityMap } from '../../services/engine/identity/index.ts';
import type { Changelog, Resolution, ResolveItem } from '../../services/engine/identity/index.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { deletePrefixKeys } from '../support/redis-keys.ts';
import {
  clusterNodes,
  killNode,
  openRedisCluster,
  redisClusterUrl,
  requireRedisCluster,
  restoreRedisCluster,
  type ClusterNodeInfo,
} from '../support/redis-cluster.ts';

// A master of the Redis Cluster dies (SIGKILL) while identity operations keep coming; its replica
// takes over (cluster-node-timeout 2 s). The client's retries (services/common/redis-client.ts)
// ride it out: no operation fails, and every answer given is in Redis afterwards. The killed node
// is then restarted by `redis-cluster.sh up`, so the cluster is whole for the next test.

const url = redisClusterUrl();
const env = endpoints();
const kafka = new kafkajs.Kafka({
  clientId: 'redis-cluster-failover-test',
  brokers: [...env.kafkaBrokers],
  logLevel: kafkajs.logLevel.NOTHING,
});
const prefix = uniqueName('rc_failover');
const topic = uniqueName('rc_failover');
let cluster: Cluster;
let changelog: Changelog;

beforeAll(async () => {
  await requireRedisCluster(url);
  cluster = openRedisCluster(url);
  changelog = createChangelog({ kafka, topic, replicationFactor: 1, partitions: 3 });
  await changelog.ensureTopic();
});

afterAll(async () => {
  await changelog?.close();
  if (cluster !== undefined) {
    await deletePrefixKeys(cluster, prefix).catch(() => undefined);
    cluster.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One operation: a contact of each connection with a shared email (they must match). */
function pair(worker: number, n: number): ResolveItem[] {
  const email = `w${worker}-${n}@example.com`;
  return ['crm', 'billing'].map((connectionId) => ({
    object: 'contacts',
    connectionId,
    recordId: `${connectionId}-w${worker}-${n}`,
    keys: [`email:${email}`],
  }));
}

/** A master with slots and a replica to take over. */
function victimOf(nodes: readonly ClusterNodeInfo[]): ClusterNodeInfo {
  const victim = nodes.find(
    (n) => n.master && n.slots > 0 && nodes.some((r) => r.masterId === n.id),
  );
  if (victim === undefined) throw new Error('no master with a replica in the cluster');
  return victim;
}

/** Until a replica of `victim` is a master holding slots (CLUSTER NODES of a live node). */
async function waitForPromotion(
  victim: ClusterNodeInfo,
  replicaIds: ReadonlySet<string>,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const nodes = await clusterNodes(cluster).catch(() => []);
    const promoted = nodes.find((n) => replicaIds.has(n.id) && n.master && n.slots > 0);
    if (promoted !== undefined) return promoted.port;
    await sleep(100);
  }
  throw new Error(`no replica took over the slots of ${victim.port} in ${timeoutMs} ms`);
}

describe('a Redis Cluster master failover', () => {
  it('loses no identity operation made while a replica takes over, and keeps reader leases', async () => {
    const map = createIdentityMap({ redis: cluster, prefix, changelog });
    const nodes = await clusterNodes(cluster);
    const victim = victimOf(nodes);
    const replicaIds = new Set(nodes.filter((n) => n.masterId === victim.id).map((n) => n.id));
    const answers = new Map<string, Resolution[]>();
    const errors: string[] = [];
    const slowest = { ms: 0 };
    let stop = false;
    let killedAt = 0;
    let doneDuringFailover = 0;

    const worker = async (w: number) => {
      for (let n = 0; !stop; n += 1) {
        const items = pair(w, n);
        const started = Date.now();
        try {
          const got = await map.resolveMany(items);
          answers.set(`${w}/${n}`, got);
          slowest.ms = Math.max(slowest.ms, Date.now() - started);
          if (killedAt > 0 && started >= killedAt) doneDuringFailover += 1;
        } catch (err) {
          errors.push(`${w}/${n}: ${(err as Error).message}`);
        }
      }
    };

    // Reader leases of several connections (their keys spread over the slots), held across it.
    const leases = Array.from({ length: 12 }, (_, i) =>
      createLease(cluster, prefix, `source:conn-${i}`, 30_000),
    );
    for (const lease of leases) expect(await lease.acquire()).toBe(true);
    const fences = leases.map((l) => l.fence);

    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    try {
      await sleep(1_000);
      const before = answers.size;
      expect(before).toBeGreaterThan(10);
      await killNode(cluster, victim.port);
      killedAt = Date.now();
      const promotedPort = await waitForPromotion(victim, replicaIds, 20_000);
      const failoverMs = Date.now() - killedAt;
      await sleep(2_000); // traffic on the new master too
      stop = true;
      await Promise.all(workers);

      console.log(
        `failover of ${victim.port} to ${promotedPort}: ${failoverMs} ms; ` +
          `${answers.size} operations (${doneDuringFailover} started after the kill), ` +
          `slowest ${slowest.ms} ms, ${errors.length} failed`,
      );
      expect(errors).toEqual([]);
      expect(doneDuringFailover).toBeGreaterThan(0);
      for (const lease of leases) expect(await lease.renew()).toBe(true);
      expect(leases.map((l) => l.fence)).toEqual(fences);

      // Every answer given is what the map says now, and each pair is one entity.
      const keys = [...answers.keys()];
      const again = await map.resolveMany(
        keys.flatMap((k) => {
          const [w, n] = k.split('/').map(Number);
          return pair(w as number, n as number);
        }),
      );
      keys.forEach((k, i) => {
        const given = answers.get(k) as Resolution[];
        expect(given[1]?.entityId, k).toBe(given[0]?.entityId);
        expect([again[2 * i], again[2 * i + 1]], k).toEqual(given);
      });
      const sample = keys.filter((_, i) => i % 25 === 0);
      for (const k of sample) {
        const [w, n] = k.split('/');
        expect(await map.entityRecords(answers.get(k)?.[0]?.entityId as string)).toEqual({
          crm: `crm-w${w}-${n}`,
          billing: `billing-w${w}-${n}`,
        });
      }
    } finally {
      stop = true;
      await Promise.all(workers);
      restoreRedisCluster();
    }
    // The killed node is back, as a replica of the one that took over.
    const after = await clusterNodes(cluster);
    const back = after.find((n) => n.port === victim.port);
    expect(back?.master).toBe(false);
    await requireRedisCluster(url);
  }, 60_000);
});
