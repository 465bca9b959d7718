/**
 * The `outcomes` role: consumes `<prefix>.outcomes` in the consumer group
 * `<prefix>.outcomes-sink` and writes every outcome to ClickHouse — its history row to
 * `sync_outcomes` and its record's status to `record_status` (schema.ts). Rows of all
 * partitions are written together, at least `batchRows` at a time or every
 * `flushIntervalMs`; a partition's offsets are committed only after ClickHouse acknowledged
 * the write holding its rows. A crash or a rebalance replays from the last commit, and the
 * replay changes nothing (deterministic event ids, versioned statuses). Messages that do not
 * decode are skipped with a warning: the stage that produced them owns the dead-letter path.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Batch, Consumer } from 'kafkajs';
import pRetry from 'p-retry';

import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  openClickHouse,
  waitUntilReady,
} from '../clickhouse/index.ts';
import { createEventCodec, isEventError } from '../engine/events/index.ts';
import { topicNames, type TopicSizing } from '../engine/topics.ts';
import { createKafka } from '../kafka/client.ts';
import { restartAfterCrash, withHeartbeats } from '../kafka/consumer-life.ts';
import { ensureTopics } from '../kafka/topics.ts';
import type { Logger } from '../log/logger.ts';
import { createBatcher } from './batcher.ts';
import { ensureSchema } from './schema.ts';
import { outcomeRows, writeOutcomeRows, type OutcomeRows } from './writer.ts';

export interface OutcomesOptions {
  readonly brokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly clickhouseUrl: string;
  /** The ClickHouse database of the outcomes tables (created when missing). */
  readonly database: string;
  readonly topicPrefix: string;
  readonly logger: Logger;
  /** Used only to create the outcomes topic when no other role has yet. */
  readonly sizing?: TopicSizing;
  readonly clientId?: string;
  /** Rows that make a write go out at once. Default 1,000. */
  readonly batchRows?: number;
  /** The longest a row waits for its write. Default 1 s. */
  readonly flushIntervalMs?: number;
}

export interface OutcomesStats {
  /** Outcomes written (a replayed message counts again). */
  readonly written: number;
  /** Messages skipped: tombstones, other kinds of events, undecodable bytes. */
  readonly skipped: number;
  readonly writes: number;
}

export interface OutcomesSink {
  readonly topic: string;
  readonly groupId: string;
  stats(): OutcomesStats;
  close(): Promise<void>;
}

export function outcomesGroupId(topicPrefix: string): string {
  return `${topicPrefix}.outcomes-sink`;
}

export async function startOutcomes(options: OutcomesOptions): Promise<OutcomesSink> {
  const { logger, database } = options;
  const topic = topicNames(options.topicPrefix).outcomes;
  const groupId = outcomesGroupId(options.topicPrefix);
  const counts = { written: 0, skipped: 0, writes: 0 };

  // The client's own log is off: a failed write is logged here, once per attempt, with context.
  const clickhouse: ClickHouseClient = openClickHouse({
    url: options.clickhouseUrl,
    logLevel: ClickHouseLogLevel.OFF,
  });
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: options.clientId ?? 'tandem-outcomes',
    logger,
  });
  try {
    await waitUntilReady(clickhouse, { timeoutMs: 60_000 });
    await ensureSchema(clickhouse, database);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const sizing = options.sizing ?? { partitions: 4, replicationFactor: 1 };
      await ensureTopics(admin, [{ topic, ...sizing }]);
    } finally {
      await admin.disconnect();
    }
  } catch (err) {
    await clickhouse.close();
    throw err;
  }
  const codec = createEventCodec({
    registry: new SchemaRegistry({ host: options.schemaRegistryUrl }),
  });

  async function insert(rows: readonly OutcomeRows[]): Promise<void> {
    await pRetry(() => writeOutcomeRows(clickhouse, database, rows), {
      retries: 6,
      minTimeout: 200,
      maxTimeout: 5_000,
      onFailedAttempt: ({ error, attemptNumber }) => {
        logger.warn({ err: error, attempt: attemptNumber }, 'ClickHouse write failed; retrying');
      },
    });
    counts.written += rows.length;
    counts.writes += 1;
  }

  const batcher = createBatcher<OutcomeRows>({
    maxRows: options.batchRows ?? 1_000,
    maxDelayMs: options.flushIntervalMs ?? 1_000,
    write: insert,
  });

  async function decode(batch: Batch): Promise<OutcomeRows[]> {
    const rows: OutcomeRows[] = [];
    for (const message of batch.messages) {
      const where = { topic: batch.topic, partition: batch.partition, offset: message.offset };
      if (message.value === null) {
        counts.skipped += 1;
        continue;
      }
      try {
        const event = await codec.decode(message.value);
        if (event.kind !== 'outcome') {
          counts.skipped += 1;
          logger.warn({ ...where, kind: event.kind }, 'not an outcome; skipped');
          continue;
        }
        rows.push(outcomeRows(event.value, { partition: batch.partition, offset: message.offset }));
      } catch (err) {
        // An unreachable registry is thrown on: the consumer restarts and reads it again.
        if (!isEventError(err, 'TANDEM_E_SCHEMA')) throw err;
        counts.skipped += 1;
        logger.warn({ ...where, err }, 'undecodable outcome; skipped');
      }
    }
    return rows;
  }

  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 250,
  });
  async function run(): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 16,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const last = batch.messages[batch.messages.length - 1];
        if (last === undefined || !isRunning() || isStale()) return;
        // A ClickHouse outage may hold this batch for a minute: the consumer stays in its group.
        await withHeartbeats(heartbeat, async () => batcher.add(await decode(batch)));
        // The rows are in ClickHouse; a partition lost meanwhile is replayed by its new owner.
        if (isStale()) return;
        await consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: String(BigInt(last.offset) + 1n),
          },
        ]);
        resolveOffset(last.offset);
        await heartbeat();
      },
    });
  }
  const restarts = restartAfterCrash(consumer, { logger, groupId, start: run });
  await run();
  logger.info({ topic, groupId, database }, 'outcomes sink started');

  return {
    topic,
    groupId,
    stats: () => ({ ...counts }),
    async close() {
      restarts.stop();
      await consumer.disconnect();
      await batcher.flush().catch((err: unknown) => {
        logger.warn({ err }, 'last ClickHouse write failed; its messages will be read again');
      });
      await clickhouse.close();
    },
  };
}
