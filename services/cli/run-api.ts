import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { FastifyInstance } from 'fastify';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { buildApp } from '../api/app.ts';
import type { EngineControl, ObjectControl } from '../api/deps.ts';
import { createTrackerEngine } from '../api/engine-adapter.ts';
import { openClickHouse } from '../clickhouse/index.ts';
import { createConnectionRegistry, resolveSecretKey } from '../connect/connections.ts';
import { createEventCodec } from '../engine/events/index.ts';
import { createChangelog, createIdentityMap } from '../engine/identity/index.ts';
import { createAssociationResolver } from '../engine/merge-stage/associations.ts';
import { createDeletedIndex } from '../engine/merge-stage/deleted-index.ts';
import { createRedisClient, type RedisClient } from '../common/redis-client.ts';
import { redisAreas } from '../engine/redis-areas.ts';
import { createResyncDeleted, type ResyncDeleted } from '../engine/resync-deleted.ts';
import { createSyncRegistry, type SyncRegistry } from '../engine/sync-registry.ts';
import { configTopic, objectTopics, topicNames, type TopicSizing } from '../engine/topics.ts';
import { createKafka } from '../kafka/client.ts';
import { keyHashPartitioner } from '../kafka/partitioner.ts';
import { createTopicTable, type TopicTable } from '../kafka/table.ts';
import { ensureTopics } from '../kafka/topics.ts';
import type { Logger } from '../log/logger.ts';
import { createObjectStore } from '../objects/index.ts';
import { createHealthQueries, ensureSchema, type HealthSource } from '../outcomes/index.ts';
import { CliError } from './cli-error.ts';
import type { RoleContext } from './role.ts';
import { roleOptions, serve } from './serve.ts';

export interface ApiOptions {
  readonly brokers: readonly string[];
  readonly redisUrl: string;
  readonly clickhouseUrl: string;
  readonly clickhouseDatabase: string;
  readonly topicPrefix: string;
  readonly redisPrefix: string;
  readonly sizing: TopicSizing;
  /** Accepted bearer tokens: at least one. */
  readonly tokens: readonly string[];
  /** TANDEM_SECRET_KEY (unset: the state folder's key file). */
  readonly secretKey?: string;
  readonly port: number;
  /** Default `0.0.0.0`. */
  readonly host?: string;
  readonly logger: Logger;
  /**
   * An in-process processor (the `all` role); default: progress from Redis, and resync-deleted
   * run by this role over its own Kafka producer and identity map (needs `schemaRegistryUrl`).
   */
  readonly engine?: EngineControl;
  /** TANDEM_SCHEMA_REGISTRY_URL; without it (and without `engine`) resync-deleted answers 503. */
  readonly schemaRegistryUrl?: string;
  /** Default: the health queries over ClickHouse. */
  readonly health?: HealthSource;
  /** TANDEM_SOURCE_RETENTION_WARNING: retained change log (bytes) past which sync health warns. */
  readonly sourceRetentionWarningBytes?: number;
  /**
   * The config table, when the roles of one process share it (`tandem all`): opened and closed
   * by its owner. Default: the role opens its own.
   */
  readonly configTable?: TopicTable;
}

export interface RunningApi {
  readonly app: FastifyInstance;
  /** e.g. `http://127.0.0.1:8080` (loopback when bound to every interface). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The API over the shared config topic (connections and syncs, seen by every instance), the
 * health views in ClickHouse and the engine: the given one, or else progress read from Redis and
 * resync-deleted run by this role itself; listens until closed.
 */
export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const { logger } = options;
  if (options.tokens.length === 0) {
    throw new CliError(
      'api: set TANDEM_API_TOKENS (comma-separated bearer tokens, 16+ characters)',
    );
  }
  const kafka = createKafka({ brokers: options.brokers, clientId: 'tandem-api', logger });
  const table =
    options.configTable ??
    (await openConfigTable(kafka, options.topicPrefix, options.sizing, logger));
  // Closed in reverse order of opening: the app first, the config table (if its own) last.
  const cleanups: Array<() => Promise<void> | void> = options.configTable
    ? []
    : [() => table.close()];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    // Before anything reads syncs or connections: objects first, so none is seen naming an
    // object this role does not know yet.
    const objectStore = createObjectStore(table, { logger });
    objectStore.attach();
    cleanups.push(() => objectStore.close());
    const objects: ObjectControl = {
      store: objectStore,
      ensureTopics: async (object) => {
        const specs = objectTopics(topicNames(options.topicPrefix), object, options.sizing);
        await withAdmin(kafka, (admin) => ensureTopics(admin, specs));
      },
    };
    const syncs = createSyncRegistry(table);
    let engine = options.engine;
    if (!engine) {
      const redis = createRedisClient(options.redisUrl, {
        maxRetriesPerRequest: 3,
        name: 'tandem-api',
      });
      cleanups.push(() => redis.disconnect());
      const resync =
        options.schemaRegistryUrl === undefined
          ? undefined
          : await openResync(options, options.schemaRegistryUrl, kafka, redis, syncs);
      if (resync) cleanups.push(() => resync.close());
      engine = createTrackerEngine(redis, options.redisPrefix, resync?.resyncDeleted);
    }
    let health = options.health;
    if (!health) {
      const clickhouse = openClickHouse({ url: options.clickhouseUrl });
      cleanups.push(() => clickhouse.close());
      await ensureSchema(clickhouse, options.clickhouseDatabase);
      health = createHealthQueries(clickhouse, options.clickhouseDatabase);
    }
    const app = buildApp({
      connections: createConnectionRegistry(table, {
        key: resolveSecretKey(options.secretKey, { logger }),
      }),
      syncs,
      health,
      engine,
      objects,
      tokens: options.tokens,
      logger,
      ...(options.sourceRetentionWarningBytes === undefined
        ? {}
        : { sourceRetentionWarningBytes: options.sourceRetentionWarningBytes }),
    });
    cleanups.push(() => app.close());
    await app.listen({ host: options.host ?? '0.0.0.0', port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const host = options.host ?? '0.0.0.0';
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return { app, url: `http://${urlHost}:${port}`, port, close: closeAll };
  } catch (err) {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined);
    }
    throw err;
  }
}

/**
 * The shared config topic (created if absent) read to its end: the connections and syncs every
 * role of every instance sees.
 */
export async function openConfigTable(
  kafka: Kafka,
  topicPrefix: string,
  sizing: TopicSizing,
  logger: Logger,
): Promise<TopicTable> {
  const spec = configTopic(topicNames(topicPrefix), sizing);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [spec]);
  } finally {
    await admin.disconnect();
  }
  const table = createTopicTable({ kafka, topic: spec.topic, logger });
  await table.open();
  return table;
}

/** Runs `fn` with a connected admin client of its own (for rare work: defining an object). */
async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

interface StandaloneResync {
  readonly resyncDeleted: ResyncDeleted;
  close(): Promise<void>;
}

/**
 * resync-deleted without a processor in this process, over the role's own clients built the way
 * the processor builds its own: a producer partitioned like the processor's (an entity's commands
 * share a partition) and an identity map that records its writes in the changelog topic.
 */
async function openResync(
  options: ApiOptions,
  schemaRegistryUrl: string,
  kafka: Kafka,
  redis: RedisClient,
  syncs: SyncRegistry,
): Promise<StandaloneResync> {
  const topics = topicNames(options.topicPrefix);
  const areas = redisAreas(options.redisPrefix);
  const idPrefix = areas.identity;
  const changelog = createChangelog({
    kafka,
    topic: topics.identity,
    replicationFactor: options.sizing.replicationFactor,
    minInsyncReplicas: options.sizing.minInsyncReplicas,
    partitions: options.sizing.partitions,
  });
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: keyHashPartitioner,
  });
  try {
    await producer.connect();
  } catch (err) {
    await changelog.close();
    throw err;
  }
  const resyncDeleted = createResyncDeleted({
    registry: syncs,
    identity: createIdentityMap({ redis, prefix: idPrefix, changelog }),
    associations: createAssociationResolver(redis, idPrefix),
    deletedFor: (syncId) => createDeletedIndex(redis, areas.merge, syncId),
    codec: createEventCodec({ registry: new SchemaRegistry({ host: schemaRegistryUrl }) }),
    producer,
    topics,
  });
  return {
    resyncDeleted,
    async close() {
      await producer.disconnect();
      await changelog.close();
    },
  };
}

/** `tandem api`: the control-plane API on TANDEM_API_PORT. */
export function runApi(ctx: RoleContext): Promise<number> {
  return serve(
    ctx,
    'api',
    (config, logger) =>
      startApi({
        ...roleOptions(config),
        clickhouseUrl: config.clickhouseUrl,
        clickhouseDatabase: config.clickhouseDatabase,
        tokens: config.apiTokens,
        secretKey: config.secretKey,
        port: config.apiPort,
        sourceRetentionWarningBytes: config.sourceRetentionWarning,
        logger,
      }),
    (api) => ({ url: api.url, docs: `${api.url}/docs` }),
  );
}
