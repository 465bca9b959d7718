import type { EachBatchPayload, Kafka, KafkaMessage, Producer, ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createStage, type ChunkResult } from '../../services/kafka/stage.ts';
import { createLogger } from '../../services/log/logger.ts';

/** A deferred promise, resolved from the test. */
function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const message = (offset: number) => ({ offset: String(offset), key: null, value: null });

/**
 * A stage on a fake Kafka: one batch of six messages in chunks of two; every step (handle,
 * produce, commit) is logged, and each produce waits for the test to release it.
 */
function harness(options: { overlapChunks: boolean; failProduce?: number }) {
  const log: string[] = [];
  const produced: ReturnType<typeof deferred>[] = [];
  let batchDone!: Promise<void>;
  const consumer = {
    on: () => undefined,
    events: { CRASH: 'crash' },
    connect: () => Promise.resolve(),
    subscribe: () => Promise.resolve(),
    commitOffsets: (offsets: { offset: string }[]) => {
      log.push(`commit ${offsets[0]?.offset}`);
      return Promise.resolve();
    },
    run: (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      const messages = [0, 1, 2, 3, 4, 5].map(message) as unknown as KafkaMessage[];
      batchDone = config.eachBatch({
        batch: { topic: 't', partition: 0, messages },
        resolveOffset: () => undefined,
        heartbeat: () => Promise.resolve(),
        isRunning: () => true,
        isStale: () => false,
      } as unknown as EachBatchPayload);
      return Promise.resolve();
    },
  };
  const producer = {
    sendBatch: async (batch: ProducerBatch) => {
      const key = String(batch.topicMessages?.[0]?.messages[0]?.key);
      log.push(`produce ${key}`);
      const gate = deferred();
      produced.push(gate);
      await gate.promise;
      if (options.failProduce === Number(key)) throw new Error(`produce of ${key} failed`);
      log.push(`produced ${key}`);
      return [];
    },
  } as unknown as Producer;
  const stage = createStage({
    kafka: { consumer: () => consumer } as unknown as Kafka,
    producer,
    groupId: 'g',
    topics: ['t'],
    logger: createLogger('test', 'silent'),
    chunkSize: 2,
    overlapChunks: options.overlapChunks,
    handle: (chunk): Promise<ChunkResult> => {
      const first = chunk[0]?.offset ?? '';
      log.push(`handle ${first}`);
      return Promise.resolve({ out: [{ topic: 'out', key: first, value: null }] });
    },
  });
  const settle = () => new Promise((r) => setTimeout(r, 5));
  return {
    log,
    start: () => stage.start(),
    done: () => batchDone,
    /** Lets the pending produces through, one at a time, until the batch is done. */
    async release() {
      for (let i = 0; i < 10; i++) {
        await settle();
        produced.shift()?.resolve();
      }
    },
  };
}

describe('a stage overlapping chunks', () => {
  it('handles the next chunk while the previous one is produced, committing in order after each produce', async () => {
    const h = harness({ overlapChunks: true });
    await h.start();
    await new Promise((r) => setTimeout(r, 5));
    // Chunk 2 was handled while chunk 0's produce was still waiting; nothing committed yet.
    expect(h.log).toEqual(['handle 0', 'produce 0', 'handle 2']);
    await h.release();
    await h.done();
    expect(h.log.filter((l) => !l.startsWith('handle'))).toEqual([
      'produce 0',
      'produced 0',
      'commit 2',
      'produce 2',
      'produced 2',
      'commit 4',
      'produce 4',
      'produced 4',
      'commit 6',
    ]);
  });

  it('commits nothing after a chunk whose produce failed', async () => {
    const h = harness({ overlapChunks: true, failProduce: 2 });
    await h.start();
    const failed = h.done().catch((err: unknown) => err);
    await h.release();
    expect(String(await failed)).toContain('produce of 2 failed');
    expect(h.log.filter((l) => l.startsWith('commit'))).toEqual(['commit 2']);
  });

  it('without the option, handles a chunk only after the previous one is committed', async () => {
    const h = harness({ overlapChunks: false });
    await h.start();
    await h.release();
    await h.done();
    expect(h.log.slice(0, 5)).toEqual([
      'handle 0',
      'produce 0',
      'produced 0',
      'commit 2',
      'handle 2',
    ]);
  });
});
