import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createRedisClient, replicaWait, type RedisClient } from '../common/redis-client.ts';
import { createSerialQueue } from '../common/serial-queue.ts';
import { createKafka } from '../kafka/client.ts';
import { createStage, type Stage } from '../kafka/stage.ts';
import { createTopicTable, type TopicTable } from '../kafka/table.ts';
import { keyHashPartitioner } from '../kafka/partitioner.ts';
import { partitionCounter } from '../kafka/partitions.ts';
import { retryKafka } from '../kafka/retry.ts';
import { ensureTopics } from '../kafka/topics.ts';
import type { Logger } from '../log/logger.ts';
import { createEventCodec, type EventCodec } from './events/index.ts';
import {
  createChangelog,
  createIdentityMap,
  type Changelog,
  type IdentityMap,
} from './identity/index.ts';
import { activeAssociations, createAssociationResolver } from './merge-stage/associations.ts';
import { createDeletedIndex } from './merge-stage/deleted-index.ts';
import { createInitialSyncTracker } from './merge-stage/initial-sync.ts';
import { createMergeStep } from './merge-stage/merge-step.ts';
import { createResolveStep } from './resolve/resolve-stage.ts';
import { redisAreas } from './redis-areas.ts';
import { createResyncDeleted } from './resync-deleted.ts';
import { createSyncRegistry, type SyncRegistry } from './sync-registry.ts';
import {
  engineTopics,
  objectTopics,
  topicNames,
  writeTopic,
  type TopicNames,
  type TopicSizing,
} from './topics.ts';
import { type Side, type SyncConfig } from './types.ts';
import {
  createObjectStore,
  customObjectNames,
  objectNames,
  onObjectsChange,
} from '../objects/index.ts';

export interface ProcessorOptions {
  readonly brokers: readonly string[];
  readonly redisUrl: string;
  readonly schemaRegistryUrl: string;
  readonly topicPrefix: string;
  readonly redisPrefix: string;
  /** Redis replicas a chunk's writes must reach before it produces and commits (WAIT); unset: none. */
  readonly redisWaitReplicas?: number | undefined;
  readonly sizing: TopicSizing;
  readonly logger: Logger;
  readonly clientId?: string;
  /**
   * The config table, when the roles of one process share it (`tandem all`): opened and closed
   * by its owner. Default: the role opens its own.
   */
  readonly configTable?: TopicTable;
}

export interface Processor {
  readonly registry: SyncRegistry;
  readonly topics: TopicNames;
  readonly identity: IdentityMap;
  readonly codec: EventCodec;
  readonly kafka: Kafka;
  readonly redis: RedisClient;
  /** Resolves once this instance's merge group of that sync generation has started. */
  mergeReady(syncId: string, generation: number, timeoutMs?: number): Promise<void>;
  /** Re-creates on side `into` the records the sync saw deleted there. */
  resyncDeleted(syncId: string, into: Side): Promise<{ queued: number }>;
  /** Initial-sync progress of a sync's current generation. */
  progress(sync: SyncConfig): Promise<{ total: number; done: number }>;
  close(): Promise<void>;
}

/** The `processor` role: the resolve stage, and one merge group per sync that is on. */
export async function startProcessor(options: ProcessorOptions): Promise<Processor> {
  const { logger, sizing, redisPrefix } = options;
  const areas = redisAreas(redisPrefix);
  const topics = topicNames(options.topicPrefix);
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: options.clientId ?? 'tandem-processor',
    logger,
  });
  const admin: Admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, engineTopics(topics, sizing));

  const redis = createRedisClient(options.redisUrl, {
    maxRetriesPerRequest: 20,
    enableAutoPipelining: true,
    name: 'tandem-processor',
  });
  const durable = options.redisWaitReplicas
    ? { durable: replicaWait(redis, options.redisWaitReplicas) }
    : {};
  const codec = createEventCodec({
    registry: new SchemaRegistry({ host: options.schemaRegistryUrl }),
  });
  const changelog: Changelog = createChangelog({
    kafka,
    topic: topics.identity,
    replicationFactor: sizing.replicationFactor,
    minInsyncReplicas: sizing.minInsyncReplicas,
    partitions: sizing.partitions,
  });
  const identity = createIdentityMap({ redis, prefix: areas.identity, changelog });
  const table: TopicTable =
    options.configTable ?? createTopicTable({ kafka, topic: topics.config, logger });
  if (!options.configTable) await table.open();
  // Objects before syncs: a sync of a custom object is never seen before its object.
  const objectStore = createObjectStore(table, { logger });
  objectStore.attach();
  // The topics of objects defined through the API (the API made them; a lost one comes back).
  await ensureTopics(
    admin,
    customObjectNames().flatMap((o) => objectTopics(topics, o, sizing)),
  );
  const registry = createSyncRegistry(table);
  // Not idempotent on purpose: an idempotent kafkajs producer allows one request in flight, which
  // serialises every partition of both stages. Order per partition holds anyway (a chunk's send
  // is awaited before the next chunk is read); a retried send may duplicate, which every
  // consumer tolerates (deterministic ids, replay checks).
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: keyHashPartitioner,
  });
  await producer.connect();

  const partitionsOf = partitionCounter(admin);

  /**
   * The resolve stage reads the changes topics of every object the registry knows when it
   * starts. When objects come or go (defined or deleted through the API), it is stopped — its
   * chunks finish and commit — and started again over the new list in the same consumer group:
   * committed offsets carry over, a new object's topic is read from its beginning.
   */
  const newResolve = (): { stage: Stage; objects: string } => {
    const names = [...objectNames()];
    return {
      objects: names.join(','),
      stage: createStage({
        kafka,
        producer,
        logger,
        ...durable,
        groupId: `${options.topicPrefix}.resolve`,
        topics: names.map((o) => topics.changes(o)),
        handle: createResolveStep({ codec, identity, topics, partitionsOf }),
        // A chunk's resolution is in Redis and the changelog when its handle returns: the next
        // chunk may be resolved while this one's entity changes are produced and committed.
        overlapChunks: true,
      }),
    };
  };
  let resolve = newResolve();
  await resolve.stage.start();
  let resolveRunning = true;
  // Restarts run one at a time; each reads the registry when it runs, so a burst of changes
  // costs one restart per change at most and ends on the latest list.
  const restarts = createSerialQueue();
  let closing = false;
  async function restartResolve(added: readonly string[]): Promise<void> {
    if (closing) return;
    await ensureTopics(
      admin,
      added.flatMap((o) => objectTopics(topics, o, sizing)),
    );
    if (closing || (resolveRunning && resolve.objects === objectNames().join(','))) return;
    resolveRunning = false;
    await resolve.stage.stop();
    resolve = newResolve();
    await resolve.stage.start();
    resolveRunning = true;
    logger.info({ objects: resolve.objects }, 'resolve stage restarted with the object types');
  }
  /** Queues a restart; a failed one (Kafka away) is tried again until one succeeds. */
  function queueRestart(added: readonly string[]): void {
    restarts.push(
      () => restartResolve(added),
      (err: unknown) => {
        logger.error({ err }, 'could not restart the resolve stage; retrying');
        const timer = setTimeout(() => {
          if (!closing) queueRestart(added);
        }, 2_000);
        timer.unref();
      },
    );
  }
  const stopHearingObjects = onObjectsChange((change) => {
    if (change.added.length + change.removed.length > 0) queueRestart(change.added);
  });

  const trackerFor = (sync: SyncConfig) =>
    createInitialSyncTracker(redis, areas.initialSync, {
      id: sync.id,
      generation: sync.generation,
      a: sync.a.connection,
      b: sync.b.connection,
    });

  const associations = createAssociationResolver(redis, areas.identity);
  const deletedFor = (syncId: string) => createDeletedIndex(redis, areas.merge, syncId);

  const resyncDeletedRecords = createResyncDeleted({
    registry,
    identity,
    associations,
    deletedFor,
    codec,
    producer,
    topics,
  });

  const mergers = new Map<string, { generation: number; stage: Stage }>();

  async function startMerger(sync: SyncConfig): Promise<void> {
    const groupId = `${options.topicPrefix}.merge.${sync.id}`;
    const entities = topics.entities(sync.object);
    await ensureTopics(admin, [
      writeTopic(topics, sync.a.connection, sizing),
      writeTopic(topics, sync.b.connection, sizing),
    ]);
    // A sync's group starts at the end of the entities topic, so that it sees the snapshots its
    // start triggers and not the history before; later starts (after a stop or a crash) resume
    // from its committed offsets. Kafka itself says which case it is, so this survives Redis.
    await initGroupAtEnd(groupId, entities);
    const stage = createStage({
      kafka,
      producer,
      logger,
      ...durable,
      groupId,
      topics: [entities],
      fromBeginning: false,
      handle: createMergeStep({
        sync,
        codec,
        identity,
        topics,
        tracker: trackerFor(sync),
        deleted: deletedFor(sync.id),
        associations,
        activeAssociations: () => activeAssociations(sync, registry.list()),
        logger,
        partitionsOf,
        onInitialSyncDone: async () => {
          const current = registry.get(sync.id);
          if (
            current &&
            current.state === 'initial-sync' &&
            current.generation === sync.generation
          ) {
            await registry.put({ ...current, state: 'running' });
          }
        },
      }),
    });
    await stage.start();
    mergers.set(sync.id, { generation: sync.generation, stage });
    await table.put(`merge-ready/${sync.id}`, String(sync.generation));
    logger.info({ sync: sync.id, generation: sync.generation, state: sync.state }, 'merge started');
  }

  async function initGroupAtEnd(groupId: string, topic: string): Promise<void> {
    const [committed] = await retryKafka(() => admin.fetchOffsets({ groupId, topics: [topic] }));
    if (committed?.partitions.some((p) => Number(p.offset) >= 0)) return;
    const ends = await retryKafka(() => admin.fetchTopicOffsets(topic));
    try {
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
      });
    } catch (err) {
      // Another instance's members joined first: the group is live, and positioned already.
      logger.debug({ err, groupId }, 'group already active; not repositioning it');
    }
  }

  async function stopMerger(id: string): Promise<void> {
    const m = mergers.get(id);
    if (!m) return;
    mergers.delete(id);
    await m.stage.stop();
    logger.info({ sync: id }, 'merge stopped');
  }

  async function reconcile(id: string): Promise<void> {
    const sync = registry.get(id);
    const on = sync !== undefined && (sync.state === 'initial-sync' || sync.state === 'running');
    const current = mergers.get(id);
    if (!on) return stopMerger(id);
    if (current && current.generation === sync.generation) return;
    if (current) await stopMerger(id);
    await startMerger(sync);
  }

  // Reconciliations run one at a time, in the order the changes were seen.
  const queue = createSerialQueue();
  const enqueue = (id: string) =>
    queue.push(
      () => reconcile(id),
      (err: unknown) => logger.error({ err, sync: id }, 'could not apply a sync change'),
    );
  const unsubscribe = registry.onChange((id) => enqueue(id));
  for (const sync of registry.list()) enqueue(sync.id);
  await queue.idle();

  return {
    registry,
    topics,
    identity,
    codec,
    kafka,
    redis,
    progress: (sync) => trackerFor(sync).progress(),
    resyncDeleted: resyncDeletedRecords,
    async mergeReady(syncId, generation, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (mergers.get(syncId)?.generation !== generation) {
        if (Date.now() > until) throw new Error(`the merge of sync ${syncId} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      unsubscribe();
      closing = true;
      stopHearingObjects();
      objectStore.close();
      await restarts.idle();
      await queue.idle();
      for (const id of [...mergers.keys()]) await stopMerger(id);
      await resolve.stage.stop();
      await producer.disconnect();
      await changelog.close();
      if (!options.configTable) await table.close();
      await admin.disconnect();
      redis.disconnect();
    },
  };
}
