import { KafkaJSNonRetriableError, type Admin, type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../services/kafka/client.ts';
import { createStage, type Stage } from '../../services/kafka/stage.ts';
import { createLogger } from '../../services/log/logger.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Regression (found by the chaos harness): a stage whose consumer crashed with an error kafkajs
 * does not retry stayed stopped while its process ran on — a sink stopped writing, `outcomes`
 * exited — and a chunk that waited on a system for longer than the session timeout cost the
 * consumer its place in the group, so its commit was refused and the stage crashed.
 */
const logger = createLogger('stage-recovery', process.env.TANDEM_TEST_LOG ?? 'fatal');
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const stages: Stage[] = [];

beforeAll(async () => {
  kafka = createKafka({ brokers: endpoints().kafkaBrokers, clientId: 'stage-recovery' });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  for (const s of stages) await s.stop().catch(() => undefined);
  await producer?.disconnect();
  await admin?.disconnect();
});

async function topicWith(count: number): Promise<string> {
  const topic = uniqueName('stage-recovery');
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
  });
  return topic;
}

async function committed(groupId: string, topic: string): Promise<string | undefined> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return offsets?.partitions[0]?.offset;
}

describe('a stage', () => {
  it('starts again after a crash kafkajs gives up on, and handles the chunk again', async () => {
    const topic = await topicWith(3);
    const groupId = `${topic}-group`;
    const seen: string[] = [];
    let calls = 0;
    const stage = createStage({
      kafka,
      producer,
      groupId,
      topics: [topic],
      logger,
      restartDelayMs: 200,
      handle: (messages) => {
        calls += 1;
        // Non-retriable, like the refused commit of a member the group dropped: kafkajs stops.
        if (calls === 1) return Promise.reject(new KafkaJSNonRetriableError('refused once'));
        seen.push(...messages.map((m) => String(m.value)));
        return Promise.resolve({ out: [] });
      },
    });
    stages.push(stage);
    await stage.start();
    await waitFor('every message handled after the restart', () => seen.length >= 3, 60_000);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(new Set(seen)).toEqual(new Set(['v0', 'v1', 'v2']));
    await waitFor('the offsets committed', async () => (await committed(groupId, topic)) === '3');
  }, 90_000);

  it('keeps its place in the group while a chunk waits longer than the session timeout', async () => {
    const topic = await topicWith(1);
    const groupId = `${topic}-group`;
    let crashes = 0;
    let handled = 0;
    const stage = createStage({
      kafka,
      producer,
      groupId,
      topics: [topic],
      logger,
      sessionTimeoutMs: 6_000,
      handle: async () => {
        await new Promise((r) => setTimeout(r, 10_000));
        handled += 1;
        return { out: [] };
      },
    });
    stage.consumer.on(stage.consumer.events.CRASH, () => {
      crashes += 1;
    });
    stages.push(stage);
    await stage.start();
    await waitFor(
      'the slow chunk committed',
      async () => (await committed(groupId, topic)) === '1',
      60_000,
    );
    expect(crashes).toBe(0);
    expect(handled).toBe(1);
  }, 90_000);
});
