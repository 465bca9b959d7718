import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { restartAfterCrash, withHeartbeats } from './consumer-life.ts';
import { retryKafka } from './retry.ts';
import { sendInBatches } from './send-batches.ts';
import type { Logger } from '../log/logger.ts';
import { observeKafkaRequests, stageMetrics } from '../metrics/stage-metrics.ts';

/** A message a stage wants produced; `partition` pins it (markers sent to every partition). */
export interface OutMessage {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ChunkResult {
  readonly out: readonly OutMessage[];
  /** Runs after Kafka acknowledged `out` and before the offsets are committed. */
  readonly afterProduce?: () => Promise<void>;
}

export interface ChunkContext {
  readonly topic: string;
  readonly partition: number;
}

export interface StageOptions {
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly logger: Logger;
  readonly handle: (messages: readonly KafkaMessage[], ctx: ChunkContext) => Promise<ChunkResult>;
  readonly chunkSize?: number;
  /**
   * Lets `handle` of a partition's next chunk run while the previous chunk's messages are being
   * produced and its offsets committed (one chunk ahead at most). Produces and commits stay in
   * chunk order, each commit after its chunk's messages and after-produce step, so a crash still
   * replays everything not committed. Only for a `handle` that does not depend on an earlier
   * chunk's produce or after-produce step. Default false.
   */
  readonly overlapChunks?: boolean;
  readonly partitionsConsumedConcurrently?: number;
  /** Where a group with no committed offset starts. Default: the beginning. */
  readonly fromBeginning?: boolean;
  readonly sessionTimeoutMs?: number;
  /** How long after a crash kafkajs does not recover from the stage starts its consumer again. */
  readonly restartDelayMs?: number;
  /**
   * Makes the chunk's writes to other stores durable (e.g. Redis replication) before the chunk's
   * messages are produced, and again after its after-produce step, before its offsets commit.
   * A rejection fails the chunk, which is replayed.
   */
  readonly durable?: () => Promise<void>;
}

export interface Stage {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly consumer: Consumer;
}

/**
 * A consume → transform → produce loop with at-least-once delivery and nothing lost: a chunk's
 * offsets are committed only after everything it produced is acknowledged by Kafka (acks=-1)
 * and its after-produce step (e.g. saving state) is done. A crash replays from the last commit,
 * so every `handle` must be idempotent.
 */
export function createStage(options: StageOptions): Stage {
  const { kafka, producer, groupId, logger } = options;
  const chunkSize = options.chunkSize ?? 500;
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: options.sessionTimeoutMs ?? 15_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 100,
  });
  const restarts = restartAfterCrash(consumer, {
    logger,
    groupId,
    start: run,
    ...(options.restartDelayMs === undefined ? {} : { delayMs: options.restartDelayMs }),
  });
  // Lag, messages in and out, Kafka request latency (README "Metrics"): per chunk, not per message.
  const metrics = stageMetrics(groupId);
  observeKafkaRequests(consumer);
  observeKafkaRequests(producer);
  consumer.on(consumer.events.GROUP_JOIN, (event) =>
    metrics.assigned(event.payload.memberAssignment),
  );

  async function produce(out: readonly OutMessage[]): Promise<void> {
    await sendInBatches(
      producer,
      out.map((m) => ({
        topic: m.topic,
        message: {
          key: m.key,
          value: m.value,
          ...(m.partition === undefined ? {} : { partition: m.partition }),
          ...(m.headers === undefined ? {} : { headers: { ...m.headers } }),
        },
      })),
    );
  }

  async function run(): Promise<void> {
    await consumer.connect();
    // A topic another instance has just created may not be known to every broker yet
    // (UNKNOWN_TOPIC_OR_PARTITION, retriable): subscribing again succeeds once it is.
    await retryKafka(() =>
      consumer.subscribe({
        topics: [...options.topics],
        fromBeginning: options.fromBeginning ?? true,
      }),
    );
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 4,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const ctx = { topic: batch.topic, partition: batch.partition };
        const first = batch.messages[0];
        if (first) {
          metrics.batchStarted(batch.topic, batch.partition, first.offset, batch.highWatermark);
        }
        /** Produces a handled chunk's messages, then commits its offsets. */
        const finish = async (chunk: readonly KafkaMessage[], result: ChunkResult) => {
          if (options.durable) await options.durable();
          await produce(result.out);
          if (result.afterProduce) {
            await result.afterProduce();
            if (options.durable) await options.durable();
          }
          const last = chunk[chunk.length - 1];
          if (!last) return;
          const next = Number(last.offset) + 1;
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: String(next) },
          ]);
          resolveOffset(last.offset);
          metrics.chunkCommitted(
            batch.topic,
            batch.partition,
            next,
            batch.highWatermark,
            chunk.length,
            result.out,
          );
          await heartbeat();
        };
        // The previous chunk's finish, still running while this chunk is handled (overlap).
        let finishing: Promise<void> | undefined;
        try {
          for (let i = 0; i < batch.messages.length; i += chunkSize) {
            if (!isRunning() || isStale()) break;
            const chunk = batch.messages.slice(i, i + chunkSize);
            const result = await withHeartbeats(heartbeat, () => options.handle(chunk, ctx));
            if (finishing) await finishing;
            finishing = undefined;
            const done = finish(chunk, result);
            if (!options.overlapChunks) {
              await done;
              continue;
            }
            done.catch(() => undefined); // awaited before the next chunk or below
            finishing = done;
          }
          if (finishing) await finishing;
          finishing = undefined;
        } finally {
          // A handle that failed while the previous chunk was finishing: let that settle first.
          if (finishing) await finishing.catch(() => undefined);
        }
      },
    });
  }

  return {
    consumer,
    start: run,
    async stop() {
      restarts.stop();
      await consumer.disconnect();
      metrics.stopped();
    },
  };
}
