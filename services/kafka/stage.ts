import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { sendInBatches } from './send-batches.ts';
import type { Logger } from '../log/logger.ts';

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
  readonly partitionsConsumedConcurrently?: number;
  /** Where a group with no committed offset starts. Default: the beginning. */
  readonly fromBeginning?: boolean;
  readonly sessionTimeoutMs?: number;
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
  consumer.on(consumer.events.CRASH, (e) => {
    logger.error({ err: e.payload.error, groupId, restart: e.payload.restart }, 'stage crashed');
  });

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

  return {
    consumer,
    async start() {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...options.topics],
        fromBeginning: options.fromBeginning ?? true,
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 4,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const ctx = { topic: batch.topic, partition: batch.partition };
          for (let i = 0; i < batch.messages.length; i += chunkSize) {
            if (!isRunning() || isStale()) return;
            const chunk = batch.messages.slice(i, i + chunkSize);
            const result = await options.handle(chunk, ctx);
            await produce(result.out);
            if (result.afterProduce) await result.afterProduce();
            const last = chunk[chunk.length - 1];
            if (!last) continue;
            await consumer.commitOffsets([
              {
                topic: batch.topic,
                partition: batch.partition,
                offset: String(Number(last.offset) + 1),
              },
            ]);
            resolveOffset(last.offset);
            await heartbeat();
          }
        },
      });
    },
    async stop() {
      await consumer.disconnect();
    },
  };
}
