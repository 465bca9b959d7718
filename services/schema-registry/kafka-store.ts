import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { LogEntry } from 'kafkajs';
import type { Command, Outcome } from './commands.ts';
import { execute } from './commands.ts';
import { RegistryError, registryErrors } from './errors.ts';
import { retryKafka } from '../kafka/retry.ts';
import { ensureStoreTopic } from './kafka-topic.ts';
import { decodeRecord, encodeRecord } from './record-codec.ts';
import { createRegistryState } from './registry-state.ts';
import type { RegistryStore, StoreLog } from './store.ts';

/**
 * The registry's store on a single-partition compacted Kafka topic. Every instance reads the
 * whole topic from the start (a fresh consumer group of its own, never committing offsets) and
 * applies each command in offset order; a write returns once the producer has it acknowledged by
 * all in-sync replicas *and* this instance's consumer has applied it.
 */
export interface KafkaStoreOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly replicationFactor?: number;
  /** `min.insync.replicas` of the store topic when this creates it; unset: the brokers'. */
  readonly minInsyncReplicas?: number | undefined;
  readonly clientId?: string;
  /** How long a write may wait to be applied before the client gets a 50002. */
  readonly writeTimeoutMs?: number;
  /** How long `open` may take to read the topic to its end. */
  readonly catchUpTimeoutMs?: number;
}

export interface KafkaStore extends RegistryStore {
  /** Creates the topic if absent and reads it to its end; resolves when the view is current. */
  open(log: StoreLog): Promise<void>;
}

const quietLog: StoreLog = { info: () => {}, warn: () => {}, error: () => {} };

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createKafkaStore(options: KafkaStoreOptions): KafkaStore {
  const { topic } = options;
  const writeTimeoutMs = options.writeTimeoutMs ?? 30_000;
  let log: StoreLog = quietLog;
  const kafka = new kafkajs.Kafka({
    clientId: options.clientId ?? 'tandem-schema-registry',
    brokers: [...options.brokers],
    logLevel: kafkajs.logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      const write = entry.level === kafkajs.logLevel.ERROR ? log.error : log.warn;
      write.call(log, { ...extra, kafkajs: entry.namespace }, message);
    },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  });
  const groupId = `tandem-schema-registry-${randomUUID()}`;
  // Short fetch waits: records still arrive at once, and disconnecting need not sit out a 5 s poll.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });

  const state = createRegistryState();
  const waiters = new Map<string, (outcome: Outcome) => void>();
  let nextOffset = 0;
  let caughtUp: { target: number; resolve: () => void } | undefined;

  function applyMessage(offset: number, value: Buffer | null): void {
    if (offset < nextOffset) return; // redelivered after a rebalance: already applied
    nextOffset = offset + 1;
    const record = decodeRecord(value);
    if (record === null) {
      log.warn({ topic, offset }, 'skipping a record that is not a schema registry command');
    } else {
      const outcome = execute(state, record.command);
      waiters.get(record.requestId)?.(outcome);
      waiters.delete(record.requestId);
    }
    if (caughtUp && nextOffset >= caughtUp.target) caughtUp.resolve();
  }

  async function readToEnd(timeoutMs: number): Promise<void> {
    const offsets = await retryKafka(() => admin.fetchTopicOffsets(topic), 20);
    const target = Number(offsets.find((p) => p.partition === 0)?.high ?? '0');
    const reached = new Promise<void>((resolve) => {
      caughtUp = { target, resolve };
      if (nextOffset >= target) resolve();
    });
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ message }) => {
        applyMessage(Number(message.offset), message.value);
        return Promise.resolve();
      },
    });
    await withTimeout(reached, timeoutMs, () =>
      registryErrors.storeTimeout(`reading ${topic} to offset ${target}`),
    );
    caughtUp = undefined;
    log.info({ topic, offset: target, schemas: state.schemas.size }, 'schema store loaded');
  }

  async function disconnectAll(): Promise<void> {
    await consumer.disconnect();
    await producer.disconnect();
    try {
      await admin.deleteGroups([groupId]);
    } catch (err) {
      log.warn({ err, groupId }, 'could not delete the registry consumer group; it is unused');
    }
    await admin.disconnect();
  }

  return {
    state,

    async open(storeLog: StoreLog): Promise<void> {
      log = storeLog;
      consumer.on(consumer.events.CRASH, (event) => {
        log.error({ err: event.payload.error, topic }, 'schema store consumer crashed');
      });
      try {
        await admin.connect();
        // A broker that has just restarted answers "not the leader" until it has loaded its
        // partitions: retriable, so waited out rather than ending the registry.
        const { created } = await retryKafka(
          () =>
            ensureStoreTopic(
              admin,
              topic,
              options.replicationFactor ?? 1,
              options.minInsyncReplicas,
            ),
          20,
        );
        if (created) log.info({ topic }, 'created the schema store topic');
        await producer.connect();
        await consumer.connect();
        await readToEnd(options.catchUpTimeoutMs ?? 60_000);
      } catch (err) {
        await disconnectAll().catch((cause: unknown) => {
          log.warn({ err: cause }, 'cleanup after a failed open also failed');
        });
        throw err instanceof RegistryError
          ? err
          : registryErrors.store(`could not open ${topic}: ${String(err)}`, err);
      }
    },

    async submit(command: Command): Promise<Outcome> {
      const requestId = randomUUID();
      const applied = new Promise<Outcome>((resolve) => waiters.set(requestId, resolve));
      const { key, value } = encodeRecord({ requestId, command });
      try {
        await producer.send({ topic, acks: -1, messages: [{ key, value, partition: 0 }] });
      } catch (err) {
        waiters.delete(requestId);
        throw registryErrors.store(`could not append to ${topic}: ${String(err)}`, err);
      }
      return withTimeout(applied, writeTimeoutMs, () => {
        waiters.delete(requestId);
        return registryErrors.storeTimeout(`the write to ${topic} was not read back in time`);
      });
    },

    async close(): Promise<void> {
      for (const resolve of waiters.values()) {
        resolve({ ok: false, error: registryErrors.store('the registry is shutting down') });
      }
      waiters.clear();
      await disconnectAll();
    },
  };
}
