import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createEventCodec } from '../../services/engine/events/index.ts';
import {
  createChangelog,
  createIdentityMap,
  type Changelog,
  type IdentityMap,
} from '../../services/engine/identity/index.ts';
import { startProcessor, type Processor } from '../../services/engine/processor.ts';
import { topicNames } from '../../services/engine/topics.ts';
import type { Mapping, ObjectType, SyncConfig } from '../../services/engine/types.ts';
import { createKafka } from '../../services/kafka/client.ts';
import { createLogger } from '../../services/log/logger.ts';
import { endpoints, uniqueName } from './endpoints.ts';
import { deletePrefixKeys } from './redis-keys.ts';
import { createSimSystem, type SimSystem } from './sim-system.ts';

export interface EngineFixture {
  readonly prefix: string;
  /** The running processor (a new one after `restartProcessor`). */
  readonly processor: Processor;
  /** The simulated sinks' own identity-map client: it outlives processor restarts. */
  readonly sinkIdentity: IdentityMap;
  readonly kafka: Kafka;
  readonly redis: Redis;
  system(connectionId: string, object?: ObjectType): SimSystem;
  stopProcessor(): Promise<void>;
  startProcessor(): Promise<void>;
  /** Deletes every Redis key of this fixture: what losing Redis looks like to it. */
  flushRedis(): Promise<number>;
  close(): Promise<void>;
}

/** A processor on its own topic and Redis prefix, plus simulated systems around it. */
export async function startEngine(label: string, partitions = 3): Promise<EngineFixture> {
  const ep = endpoints();
  const prefix = uniqueName(label);
  const topics = topicNames(prefix);
  const logger = createLogger(`test-${label}`, process.env.TANDEM_TEST_LOG ?? 'warn');
  const start = () =>
    startProcessor({
      brokers: ep.kafkaBrokers,
      redisUrl: ep.redisUrl,
      schemaRegistryUrl: ep.schemaRegistryUrl,
      topicPrefix: prefix,
      redisPrefix: prefix,
      sizing: { partitions, replicationFactor: 1 },
      logger,
    });
  let processor: Processor | undefined = await start();
  const kafka = createKafka({ brokers: ep.kafkaBrokers, clientId: `fixture-${label}` });
  const redis = new Redis(ep.redisUrl);
  const changelog: Changelog = createChangelog({ kafka, topic: topics.identity });
  const sinkIdentity = createIdentityMap({ redis, prefix: `${prefix}:id`, changelog });
  const codec = createEventCodec({ registry: new SchemaRegistry({ host: ep.schemaRegistryUrl }) });
  const systems: SimSystem[] = [];

  const flushRedis = () => deletePrefixKeys(redis, prefix);

  return {
    prefix,
    get processor() {
      if (!processor) throw new Error('the processor is stopped');
      return processor;
    },
    sinkIdentity,
    kafka,
    redis,
    system(connectionId, object = 'contacts') {
      const s = createSimSystem({
        kafka,
        codec,
        identity: sinkIdentity,
        topics,
        object,
        connectionId,
        groupPrefix: prefix,
      });
      systems.push(s);
      return s;
    },
    async stopProcessor() {
      await processor?.close();
      processor = undefined;
    },
    async startProcessor() {
      processor ??= await start();
    },
    flushRedis,
    async close() {
      for (const s of systems) await s.stop();
      await processor?.close();
      await flushRedis();
      await changelog.close();
      redis.disconnect();
    },
  };
}

const contactFields = ['email', 'firstname', 'lastname', 'phone'];

export function contactsSync(
  id: string,
  a: string,
  b: string,
  over: Partial<SyncConfig> = {},
): SyncConfig {
  const mappings: Mapping[] = contactFields.map((f) => ({
    a: f,
    b: f,
    enabled: true,
    required: f === 'email',
  }));
  return {
    id,
    object: 'contacts',
    a: { connection: a },
    b: { connection: b },
    direction: 'two-way',
    conflictWinner: 'a',
    mappings,
    rules: { requireEmail: true, initialFilter: [] },
    deletes: 'ignore',
    state: 'initial-sync',
    generation: 1,
    ...over,
  };
}
