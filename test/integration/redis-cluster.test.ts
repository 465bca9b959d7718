import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Cluster } from 'ioredis';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMergeStates } from '../../services/api/engine-adapter.ts';
import { createLease } from '../../services/connect/lease.ts';
import { createChangelog, createIdentityMap } from '../../services/engine/identity/index.ts';
import type { Changelog, ResolveItem } from '../../services/engine/identity/index.ts';
import { createDeletedIndex } from '../../services/engine/merge-stage/deleted-index.ts';
import { createInitialSyncTracker } from '../../services/engine/merge-stage/initial-sync.ts';
import { redisAreas } from '../../services/engine/redis-areas.ts';
import { topicNames } from '../../services/engine/topics.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { deletePrefixKeys } from '../support/redis-keys.ts';
import {
  dumpPrefix,
  keysPerMaster,
  openRedisCluster,
  redisClusterUrl,
  requireRedisCluster,
  slotOf,
} from '../support/redis-cluster.ts';

// The engine's Redis state on a real Redis Cluster (deploy/local/redis-cluster.sh): the identity
// map's scripts, a reader lease, the initial-sync tracker, the merge stage's indexes, the API's
// reads, and `tandem identity rebuild`.

const url = redisClusterUrl();
const env = endpoints();
const tandem = fileURLToPath(new URL('../../bin/tandem', import.meta.url));
const kafka = new kafkajs.Kafka({
  clientId: 'redis-cluster-test',
  brokers: [...env.kafkaBrokers],
  logLevel: kafkajs.logLevel.NOTHING,
});
let cluster: Cluster;
const extraClients: Cluster[] = [];
const prefixes: string[] = [];
const topics: string[] = [];
const changelogs: Changelog[] = [];

beforeAll(async () => {
  await requireRedisCluster(url);
  cluster = openRedisCluster(url);
});

afterAll(async () => {
  await Promise.all(changelogs.map((c) => c.close()));
  if (cluster === undefined) return;
  for (const prefix of prefixes) await deletePrefixKeys(cluster, prefix);
  for (const client of [cluster, ...extraClients]) client.disconnect();
  if (topics.length > 0) {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
});

/** A second client, as another instance of a role would have. */
function anotherClient(): Cluster {
  const client = openRedisCluster(url);
  extraClients.push(client);
  return client;
}

function prefix(label: string): string {
  const p = uniqueName(label);
  prefixes.push(p);
  return p;
}

async function openChangelog(topic: string): Promise<Changelog> {
  topics.push(topic);
  const changelog = createChangelog({ kafka, topic, replicationFactor: 1, partitions: 3 });
  changelogs.push(changelog);
  await changelog.ensureTopic();
  return changelog;
}

/** Contacts of two connections sharing emails (each email once per connection). */
function contacts(n: number): ResolveItem[] {
  return ['crm', 'billing'].flatMap((connectionId) =>
    Array.from({ length: n }, (_, i) => ({
      object: 'contacts',
      connectionId,
      recordId: `${connectionId}-${i}`,
      keys: [`email:p${i}@example.com`],
    })),
  );
}

describe('the identity map on a Redis Cluster', () => {
  it('resolves, matches, links, folds and keeps merge states, its keys spread over every master', async () => {
    const p = prefix('rc_idmap');
    const changelog = await openChangelog(uniqueName('rc_identity'));
    const map = createIdentityMap({ redis: cluster, prefix: p, changelog });
    const other = createIdentityMap({ redis: anotherClient(), prefix: p, changelog });

    // Both connections at once, from two clients: each email ends as one entity.
    const items = contacts(150);
    const crm = items.slice(0, 150);
    const billing = items.slice(150);
    const [a, b] = await Promise.all([map.resolveMany(crm), other.resolveMany(billing)]);
    for (let i = 0; i < 150; i += 1) {
      expect(b[i]?.entityId, `p${i}`).toBe(a[i]?.entityId);
    }
    expect(new Set(a.map((r) => r.entityId)).size).toBe(150);
    expect(await map.entityRecords(a[7]?.entityId as string)).toEqual({
      crm: 'crm-7',
      billing: 'billing-7',
    });

    // A sink's link moves a record: the entity it leaves is folded into the target.
    const deal = await map.resolve('deals', 'crm', 'd1', []);
    const stray = await map.resolve('deals', 'erp', 'E-1', []);
    const moved = await map.link('deals', deal.entityId, 'erp', 'E-1');
    expect(moved).toEqual({
      entityId: deal.entityId,
      previousEntityId: stray.entityId,
      duplicateOf: null,
    });
    expect(await map.entityRecords(stray.entityId)).toEqual({ crm: 'd1', erp: 'E-1' });

    // Merge states: compare-and-set per entity, batch loads across slots.
    const ids = a.slice(0, 40).map((r) => r.entityId);
    const saved = await map.saveStates(
      ids.map((entityId, n) => ({ entityId, syncId: 's1', value: { n }, expectedVersion: 0 })),
    );
    expect(saved).toEqual(ids.map(() => true));
    expect(await map.saveState(ids[0] as string, 's1', { n: 'late' }, 0)).toBe(false);
    const states = await map.loadStates(ids, 's1');
    expect(states.map((s) => s.value)).toEqual(ids.map((_, n) => ({ n })));

    // The API's read of the same states, across slots.
    expect(await readMergeStates(cluster, p, 's1', ids)).toEqual(ids.map((_, n) => ({ n })));

    const spread = await keysPerMaster(cluster, p);
    expect(spread.size).toBe(3);
    for (const [node, n] of spread) expect(n, node).toBeGreaterThan(50);
    await other.entityRecords(a[0]?.entityId as string); // the second client still answers
  });
});

describe('a reader lease on a Redis Cluster', () => {
  it('is held by one instance at a time and taken over with a higher fence', async () => {
    const p = prefix('rc_lease');
    const first = createLease(cluster, p, 'source:conn-1', 400);
    const second = createLease(anotherClient(), p, 'source:conn-1', 400);
    expect(await first.acquire()).toBe(true);
    expect(await second.acquire()).toBe(false);
    expect(await first.renew()).toBe(true);
    const fence = first.fence as number;
    await first.release();
    expect(await second.acquire()).toBe(true);
    expect(second.fence).toBeGreaterThan(fence);
    // The lease and its fence counter share a slot (one script touches both).
    expect(await slotOf(cluster, `${p}:lease:{source:conn-1}`)).toBe(
      await slotOf(cluster, `${p}:fence:{source:conn-1}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await second.renew()).toBe(false); // expired, nobody renewed
    expect(await first.acquire()).toBe(true);
    expect(first.fence).toBeGreaterThan(second.fence ?? fence + 1);
  });
});

describe('initial-sync keys and the merge indexes on a Redis Cluster', () => {
  it('tracks markers, held and merged entities, and progress in one slot per sync generation', async () => {
    const p = prefix('rc_init');
    const tracker = createInitialSyncTracker(cluster, p, {
      id: 'sync-a',
      generation: 3,
      a: 'crm',
      b: 'billing',
    });
    expect(await tracker.noteMarker(0, 'crm', 0, 2)).toBe(false);
    expect(await tracker.noteMarker(0, 'crm', 1, 2)).toBe(false);
    expect(await tracker.noteMarker(0, 'billing', 0, 2)).toBe(false);
    expect(await tracker.noteMarker(0, 'billing', 1, 2)).toBe(true);
    const entities = Array.from({ length: 30 }, (_, i) => `e${i}`);
    await Promise.all([...entities, ...entities].map((e) => tracker.hold(0, e)));
    await Promise.all(entities.slice(0, 12).map((e) => tracker.merged(0, e)));
    await tracker.merged(0, 'e0');
    expect(await tracker.progress()).toEqual({ total: 30, done: 12 });
    expect((await tracker.pending(0)).sort()).toEqual([...entities].sort());
    expect(await tracker.isPartitionDone(0)).toBe(false);
    expect(await tracker.finishPartition(0, 2)).toBe(false);
    expect(await tracker.finishPartition(1, 2)).toBe(true);
    expect(await tracker.isPartitionDone(0)).toBe(true);

    const keys = Object.keys(await dumpPrefix(cluster, p));
    expect(keys.length).toBe(4); // markers, pending and merged of partition 0, and init
    const slots = new Set(await Promise.all(keys.map((k) => slotOf(cluster, k))));
    expect(slots.size).toBe(1);
  });

  it('keeps the deleted index of each side', async () => {
    const p = prefix('rc_merge');
    const index = createDeletedIndex(cluster, p, 'sync-b');
    await index.set('a', 'e1', true);
    await index.set('a', 'e2', true);
    await index.set('b', 'e3', true);
    await index.set('a', 'e1', false);
    expect(await index.members('a')).toEqual(['e2']);
    expect(await index.members('b')).toEqual(['e3']);
  });
});

describe('`tandem identity rebuild` against a Redis Cluster', () => {
  it('restores every key of the identity map from the changelog', async () => {
    const name = prefix('rc_rebuild');
    const topicPrefix = uniqueName('rc_rebuild');
    const idPrefix = redisAreas(name).identity;
    const changelog = await openChangelog(topicNames(topicPrefix).identity);
    const map = createIdentityMap({ redis: cluster, prefix: idPrefix, changelog });
    const resolved = await map.resolveMany(contacts(120));
    const deal = await map.resolve('deals', 'crm', 'd1', []);
    await map.link('deals', deal.entityId, 'erp', 'E-1');
    for (const [n, r] of resolved.slice(0, 20).entries()) {
      expect(await map.saveState(r.entityId, 'sync-1', { n }, 0)).toBe(true);
    }
    const before = await dumpPrefix(cluster, idPrefix);
    expect(Object.keys(before).length).toBeGreaterThan(360);

    expect(await deletePrefixKeys(cluster, idPrefix)).toBe(Object.keys(before).length);
    expect(await dumpPrefix(cluster, idPrefix)).toEqual({});

    const run = spawnSync(tandem, ['identity', 'rebuild'], {
      env: {
        ...process.env,
        TANDEM_REDIS_URL: url,
        TANDEM_TOPIC_PREFIX: topicPrefix,
        TANDEM_REDIS_PREFIX: name,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const { rebuilt } = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
      rebuilt: { entries: number; skipped: number };
    };
    expect(rebuilt.skipped).toBe(0);
    expect(rebuilt.entries).toBeGreaterThanOrEqual(Object.keys(before).length);
    expect(await dumpPrefix(cluster, idPrefix)).toEqual(before);
    // And the rebuilt map answers as before.
    expect(await map.resolveMany(contacts(120))).toEqual(resolved);
  });
});
