import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Admin, Producer } from 'kafkajs';
import { connectorFor } from '../../connectors/index.ts';
import { validateConfig } from '../../connectors/sdk/spec.ts';
import { unknownConfigObjects } from '../../connectors/sdk/table-objects.ts';
import type { Connector, ConnectorSession } from '../../connectors/sdk/types.ts';
import { createRedisClient, replicaWait } from '../common/redis-client.ts';
import { createSerialQueue } from '../common/serial-queue.ts';
import { createEventCodec, type EventCodec } from '../engine/events/index.ts';
import { createChangelog, createIdentityMap, type IdentityMap } from '../engine/identity/index.ts';
import { createSyncRegistry, type SyncRegistry } from '../engine/sync-registry.ts';
import {
  engineTopics,
  topicNames,
  writeTopic,
  type TopicNames,
  type TopicSizing,
} from '../engine/topics.ts';
import { createKafka } from '../kafka/client.ts';
import { redisAreas } from '../engine/redis-areas.ts';
import { keyHashPartitioner } from '../kafka/partitioner.ts';
import { partitionCounter } from '../kafka/partitions.ts';
import type { Stage } from '../kafka/stage.ts';
import { createTopicTable, type TopicTable } from '../kafka/table.ts';
import { ensureTopics } from '../kafka/topics.ts';
import type { Logger } from '../log/logger.ts';
import { createObjectStore, onObjectsChange } from '../objects/index.ts';
import {
  ConnectionSecretError,
  createConnectionRegistry,
  type ConnectionRecord,
  type ConnectionRegistry,
  resolveSecretKey,
} from './connections.ts';
import { createLease, type Lease } from './lease.ts';
import { watchLease } from '../metrics/lease.ts';
import { createPositionStore, type PositionStore } from './positions.ts';
import { createSinkTask } from './sink-task.ts';
import { createSourceTask, type SourceTask } from './source-task.ts';

export interface ConnectOptions {
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
  /** How long a reader's lease lives without renewal: the takeover time when an instance dies. */
  readonly leaseTtlMs?: number;
  /** TANDEM_SECRET_KEY, which encrypts connection credentials (unset: the state folder's key file). */
  readonly secretKey?: string;
  /**
   * The config table, when the roles of one process share it (`tandem all`): opened and closed
   * by its owner. Default: the role opens its own.
   */
  readonly configTable?: TopicTable;
}

export interface Connect {
  readonly connections: ConnectionRegistry;
  readonly syncs: SyncRegistry;
  readonly positions: PositionStore;
  readonly topics: TopicNames;
  readonly identity: IdentityMap;
  /** The connections whose reader runs in this instance. */
  readingHere(): string[];
  /** Stops every reader and sink (what they keep on their systems stays); a second call waits for the first. */
  close(): Promise<void>;
}

/** How a connection's status starts while its config names objects not defined (yet). */
const waitingForObjects = 'waiting for object types: config names';

interface Runtime {
  readonly connection: ConnectionRecord;
  readonly connector: Connector<unknown, unknown>;
  readonly config: unknown;
  readonly sinkSession: ConnectorSession<unknown>;
  readonly sink: Stage;
  readonly lease: Lease;
  source?: { task: SourceTask; session: ConnectorSession<unknown>; done: Promise<void> };
  snapshotting: boolean;
  timer?: NodeJS.Timeout;
  closed: boolean;
}

/**
 * The `connect` role: for every connection, a sink (a consumer group on its write topic) in every
 * instance, and a source reader in exactly one instance — the holder of the connection's lease,
 * renewed every few seconds and taken over by another instance when its holder dies. The reader
 * streams from the committed position and, when a sync involving the connection starts (and its
 * merge group is positioned), publishes a snapshot of the sync's object with its markers.
 */
export async function startConnect(options: ConnectOptions): Promise<Connect> {
  const { logger, sizing } = options;
  const leaseTtlMs = options.leaseTtlMs ?? 6_000;
  const renewMs = Math.max(200, Math.floor(leaseTtlMs / 4));
  const topics = topicNames(options.topicPrefix);
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: options.clientId ?? 'tandem-connect',
    logger,
  });
  const admin: Admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [
    ...engineTopics(topics, sizing),
    {
      topic: topics.positions,
      partitions: 1,
      replicationFactor: sizing.replicationFactor,
      minInsyncReplicas: sizing.minInsyncReplicas,
      compacted: true,
    },
  ]);
  const redis = createRedisClient(options.redisUrl, {
    maxRetriesPerRequest: 20,
    enableAutoPipelining: true,
    name: 'tandem-connect',
  });
  const durable = options.redisWaitReplicas
    ? { durable: replicaWait(redis, options.redisWaitReplicas) }
    : {};
  const codec: EventCodec = createEventCodec({
    registry: new SchemaRegistry({ host: options.schemaRegistryUrl }),
  });
  const changelog = createChangelog({
    kafka,
    topic: topics.identity,
    replicationFactor: sizing.replicationFactor,
    minInsyncReplicas: sizing.minInsyncReplicas,
    partitions: sizing.partitions,
  });
  const identity = createIdentityMap({
    redis,
    prefix: redisAreas(options.redisPrefix).identity,
    changelog,
  });
  const configTable: TopicTable =
    options.configTable ?? createTopicTable({ kafka, topic: topics.config, logger });
  const positionTable: TopicTable = createTopicTable({ kafka, topic: topics.positions, logger });
  if (!options.configTable) await configTable.open();
  await positionTable.open();
  // Objects before connections and syncs: a connection naming a custom object finds it known.
  const objectStore = createObjectStore(configTable, { logger });
  objectStore.attach();
  const syncs = createSyncRegistry(configTable);
  const connections = createConnectionRegistry(configTable, {
    key: resolveSecretKey(options.secretKey, { logger }),
  });
  const positions = createPositionStore(positionTable);
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: keyHashPartitioner,
  });
  await producer.connect();

  const partitionsOf = partitionCounter(admin);

  const runtimes = new Map<string, Runtime>();

  async function openSession(rt: Pick<Runtime, 'connector' | 'config' | 'connection'>) {
    return rt.connector.open(rt.config, {
      logger: logger.child({ connection: rt.connection.id }),
      connectionId: rt.connection.id,
    });
  }

  function startSource(rt: Runtime): void {
    const run = async () => {
      const session = await openSession(rt);
      if (rt.closed) {
        // Stopped (or deleted) while the session opened: never start a reader nobody stops.
        await session.close();
        return;
      }
      const task = createSourceTask({
        connectionId: rt.connection.id,
        connector: rt.connector,
        session,
        codec,
        producer,
        topics,
        positions,
        partitionsOf,
        holdsLease: () => rt.lease.renew(),
        logger,
      });
      const done = task.run().finally(() => session.close());
      rt.source = { task, session, done };
      await done;
    };
    void run()
      .catch((err: unknown) => {
        logger.error({ err, connection: rt.connection.id }, 'source stopped with an error');
      })
      .finally(async () => {
        rt.source = undefined;
        // The next tick restarts it while the lease is held; give it up if the reader failed.
        if (!rt.closed) await rt.lease.release().catch(() => undefined);
      });
  }

  async function stopSource(rt: Runtime): Promise<void> {
    const source = rt.source;
    if (!source) return;
    await source.task.stop();
    await source.done.catch(() => undefined);
  }

  /** Snapshots asked by sync starts: once each sync generation's merge group is positioned. */
  async function snapshots(rt: Runtime): Promise<void> {
    const source = rt.source;
    if (!source || rt.snapshotting) return;
    const id = rt.connection.id;
    const wanted = syncs
      .list()
      .filter(
        (s) =>
          s.state === 'initial-sync' &&
          (s.a.connection === id || s.b.connection === id) &&
          configTable.get(`merge-ready/${s.id}`) === String(s.generation) &&
          !positions.snapshotDone(id, s.id, s.generation),
      );
    if (wanted.length === 0) return;
    rt.snapshotting = true;
    try {
      for (const sync of wanted) {
        await source.task.snapshot(sync.object);
        await positions.markSnapshotDone(id, sync.id, sync.generation);
      }
    } finally {
      rt.snapshotting = false;
    }
  }

  async function tick(rt: Runtime): Promise<void> {
    if (rt.closed) return;
    if (rt.source) {
      if (!(await rt.lease.renew())) {
        logger.warn({ connection: rt.connection.id }, 'lease lost; stopping the reader');
        await stopSource(rt);
        return;
      }
      void snapshots(rt).catch((err: unknown) => {
        logger.error({ err, connection: rt.connection.id }, 'snapshot failed; retrying');
      });
      return;
    }
    if (await rt.lease.acquire()) {
      if (rt.closed) {
        await rt.lease.release();
        return;
      }
      logger.info({ connection: rt.connection.id, fence: rt.lease.fence }, 'reader lease taken');
      startSource(rt);
    }
  }

  async function startConnection(connection: ConnectionRecord): Promise<void> {
    const connector = connectorFor(connection.type);
    if (!connector) {
      logger.error({ connection: connection.id, type: connection.type }, 'unknown connector type');
      return;
    }
    const config = validateConfig(connector.spec, connection.config);
    const unknown = unknownConfigObjects(config);
    if (unknown.length > 0) {
      // Objects defined through the API may arrive after the connection (another instance's
      // API, the order rows are read in): the connection waits, and starts when they come.
      const message = `${waitingForObjects} ${unknown.map((o) => JSON.stringify(o)).join(', ')}, not an object type (yet); it starts once defined`;
      logger.warn({ connection: connection.id, objects: unknown }, 'connection waits for objects');
      if (connections.status(connection.id)?.message !== message) {
        await connections.setStatus(connection.id, {
          ok: false,
          message,
          checkedAt: new Date().toISOString(),
        });
      }
      return;
    }
    if (connections.status(connection.id)?.message.startsWith(waitingForObjects)) {
      await connections.setStatus(connection.id, {
        ok: true,
        message: 'the objects its config names are defined now; it has started',
        checkedAt: new Date().toISOString(),
      });
    }
    await ensureTopics(admin, [writeTopic(topics, connection.id, sizing)]);
    const sinkSession = await openSession({ connector, config, connection });
    const sink = createSinkTask({
      connectionId: connection.id,
      connector,
      session: sinkSession,
      kafka,
      producer,
      codec,
      identity,
      syncs,
      topics,
      groupPrefix: options.topicPrefix,
      logger,
      ...durable,
      ...(connection.limits?.rowsPerSecond
        ? { rowsPerSecond: connection.limits.rowsPerSecond }
        : {}),
    });
    await sink.start();
    const rt: Runtime = {
      connection,
      connector,
      config,
      sinkSession,
      sink,
      lease: watchLease(
        createLease(redis, options.redisPrefix, `source:${connection.id}`, leaseTtlMs),
        connection.id,
      ),
      snapshotting: false,
      closed: false,
    };
    runtimes.set(connection.id, rt);
    const loop = () => {
      rt.timer = setTimeout(() => {
        tick(rt)
          .catch((err: unknown) => logger.error({ err, connection: connection.id }, 'tick failed'))
          .finally(() => {
            if (!rt.closed) loop();
          });
      }, renewMs);
    };
    await tick(rt);
    loop();
    logger.info({ connection: connection.id, type: connection.type }, 'connection started');
  }

  /** Stops the connection's reader and sink here; returns what ran, if anything did. */
  async function stopConnection(id: string): Promise<Runtime | undefined> {
    const rt = runtimes.get(id);
    if (!rt) return undefined;
    runtimes.delete(id);
    rt.closed = true;
    clearTimeout(rt.timer);
    await stopSource(rt);
    await rt.lease.release().catch(() => undefined);
    await rt.sink.stop();
    await rt.sinkSession.close();
    return rt;
  }

  // Releases of deleted connections' sources: they wait for readers to let go, so they run
  // beside the queue of connection changes, not in it.
  const releasing = new AbortController();
  const releases = new Set<Promise<void>>();

  /**
   * A deleted connection's reader is stopped (above); then what it kept on its system for
   * reading is released (PostgreSQL: the slot and the publication it made) — by every instance
   * that ran the connection: each drop waits for any reader still holding the slot to let go (one
   * in another instance that has not seen the delete yet), so the last reader to stop is followed
   * by a drop. The API drops it too, for when no `connect` runs. Its position is forgotten.
   */
  function releaseSource(rt: Runtime): void {
    const id = rt.connection.id;
    const work = (async () => {
      for (let attempt = 1; ; attempt++) {
        const session = await openSession(rt);
        try {
          if (session.dropSource) {
            await session.dropSource({ waitMs: 60_000, signal: releasing.signal });
            logger.info({ connection: id }, 'source of the deleted connection released');
          }
          break;
        } catch (err) {
          if (attempt >= 3 || releasing.signal.aborted) throw err;
          logger.warn({ connection: id, err }, 'releasing the source failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, 2_000));
        } finally {
          await session.close().catch(() => undefined);
        }
      }
    })()
      .catch((err: unknown) => {
        logger.error(
          { connection: id, err },
          'could not release what the deleted connection kept on its system',
        );
      })
      .then(() => positions.forget(id))
      .catch((err: unknown) => logger.warn({ connection: id, err }, 'position not forgotten'));
    releases.add(work);
    void work.finally(() => releases.delete(work));
  }

  // Connection changes apply one at a time, in the order seen.
  const queue = createSerialQueue();
  const enqueue = (id: string) =>
    queue.push(
      async () => {
        let wanted: ConnectionRecord | undefined;
        try {
          wanted = connections.get(id);
        } catch (err) {
          if (!(err instanceof ConnectionSecretError)) throw err;
          // Credentials this instance cannot read (another TANDEM_SECRET_KEY): the connection
          // stays stopped here, the others run, and its status says why.
          await stopConnection(id);
          logger.error({ connection: id, code: err.code, err: err.message }, 'connection skipped');
          await connections.setStatus(id, {
            ok: false,
            message: err.message,
            checkedAt: new Date().toISOString(),
          });
          return;
        }
        const current = runtimes.get(id);
        if (current && JSON.stringify(current.connection) === JSON.stringify(wanted)) return;
        const stopped = await stopConnection(id);
        if (wanted) await startConnection(wanted);
        else if (stopped && !connections.ids().includes(id)) releaseSource(stopped);
      },
      (err: unknown) =>
        logger.error({ err, connection: id }, 'could not apply a connection change'),
    );
  let closing: Promise<void> | undefined;
  const unsubscribe = connections.onChange((id) => enqueue(id));
  // A connection waiting for an object (see startConnection) starts when the object comes.
  const stopHearingObjects = onObjectsChange(() => {
    for (const id of connections.ids()) if (!runtimes.has(id)) enqueue(id);
  });
  for (const id of connections.ids()) enqueue(id);
  await queue.idle();

  return {
    connections,
    syncs,
    positions,
    topics,
    identity,
    readingHere: () => [...runtimes.values()].filter((r) => r.source).map((r) => r.connection.id),
    close() {
      closing ??= (async () => {
        unsubscribe();
        stopHearingObjects();
        objectStore.close();
        await queue.idle();
        for (const id of [...runtimes.keys()]) await stopConnection(id);
        releasing.abort();
        await Promise.allSettled([...releases]);
        await producer.disconnect();
        if (!options.configTable) await configTable.close();
        await positionTable.close();
        await changelog.close();
        await admin.disconnect();
        redis.disconnect();
      })();
      return closing;
    },
  };
}
