import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from '../log/logger.ts';
import { retryKafka } from './retry.ts';

export interface TopicTableOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly logger?: Logger;
  /** How long `open` may take to read the topic to its end. */
  readonly catchUpTimeoutMs?: number;
}

export type TableListener = (key: string, value: string | null) => void;

/**
 * A compacted topic read as a table (the Kafka Connect precedent for config and offsets): every
 * instance reads it from the start with a throwaway consumer group that never commits, keeps the
 * latest value per key in memory and hears every later change. `put` resolves once the write is
 * acknowledged by Kafka *and* read back by this instance, so a caller reads its own writes.
 */
export interface TopicTable {
  open(): Promise<void>;
  get(key: string): string | undefined;
  entries(): IterableIterator<[string, string]>;
  put(key: string, value: string | null): Promise<void>;
  onChange(listener: TableListener): () => void;
  close(): Promise<void>;
}

export function createTopicTable(options: TopicTableOptions): TopicTable {
  const { kafka, topic, logger } = options;
  const rows = new Map<string, string>();
  const listeners = new Set<TableListener>();
  const groupId = `tandem-table-${topic}-${randomUUID()}`;
  const admin: Admin = kafka.admin();
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 200,
  });
  /** Next offset to read, per partition. */
  const position = new Map<number, number>();
  let waiters: Array<{ partition: number; offset: number; resolve: () => void }> = [];

  function settle(): void {
    waiters = waiters.filter((w) => {
      if ((position.get(w.partition) ?? 0) > w.offset) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  function waitForOffset(partition: number, offset: number): Promise<void> {
    return new Promise((resolve) => {
      waiters.push({ partition, offset, resolve });
      settle();
    });
  }

  return {
    async open() {
      await admin.connect();
      await producer.connect();
      await consumer.connect();
      const ends = await retryKafka(() => admin.fetchTopicOffsets(topic));
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const offset = Number(message.offset);
          if (offset < (position.get(partition) ?? 0)) return; // redelivered: applied already
          position.set(partition, offset + 1);
          const key = message.key?.toString('utf8');
          if (key !== undefined) {
            const value = message.value === null ? null : message.value.toString('utf8');
            if (value === null) rows.delete(key);
            else rows.set(key, value);
            for (const l of listeners) {
              try {
                l(key, value);
              } catch (err) {
                logger?.error({ err, topic, key }, 'a table listener failed');
              }
            }
          }
          settle();
        },
      });
      const caughtUp = Promise.all(
        ends
          .filter((p) => Number(p.high) > 0)
          .map((p) => waitForOffset(p.partition, Number(p.high) - 1)),
      );
      const ms = options.catchUpTimeoutMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        caughtUp,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`reading ${topic} to its end took over ${ms} ms`)),
            ms,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    },

    get: (key) => rows.get(key),
    entries: () => rows.entries(),

    async put(key, value) {
      const [meta] = await producer.send({ topic, acks: -1, messages: [{ key, value }] });
      if (!meta) throw new Error(`no acknowledgement from ${topic}`);
      await waitForOffset(meta.partition, Number(meta.baseOffset));
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
