import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProducer } from '../../services/kafka/producer.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';

// createProducer: kafkajs makes one attempt per send and a failed send is sent again whole (a
// per-broker retry of kafkajs can drop a partition whose leader moved). Here the retriable failure
// is a topic that does not exist yet (auto-creation is off): the send waits it out and every
// message of it lands, on every partition.

const ep = endpoints();
const kafka = new Kafka({
  clientId: 'tandem-test',
  brokers: [...ep.kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();

beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());

async function countsPerPartition(topic: string): Promise<number[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
}

describe('createProducer', () => {
  it('sends a batch over every partition', async () => {
    const topic = uniqueName('producer');
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 4 }] });
    const producer = createProducer(kafka, { allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [
          {
            topic,
            messages: Array.from({ length: 40 }, (_, i) => ({ value: `m${i}`, partition: i % 4 })),
          },
        ],
      });
      expect(await countsPerPartition(topic)).toEqual([10, 10, 10, 10]);
    } finally {
      await producer.disconnect();
    }
  });

  it('sends the whole batch again after a retriable failure, until it lands', async () => {
    const topic = uniqueName('producer-late');
    const producer = createProducer(kafka, { allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const sending = producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 20 }, (_, i) => ({ value: `m${i}`, partition: i % 2 })),
      });
      await new Promise((r) => setTimeout(r, 1_500));
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
      await sending;
      expect(await countsPerPartition(topic)).toEqual([10, 10]);
    } finally {
      await producer.disconnect();
    }
  });

  it('fails at once on an error kafkajs does not retry', async () => {
    const topic = uniqueName('producer-large');
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    const producer = createProducer(kafka, { allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const started = Date.now();
      // Over the broker's message.max.bytes (1 MiB): MESSAGE_TOO_LARGE is not retriable.
      await expect(
        producer.send({ topic, acks: -1, messages: [{ value: Buffer.alloc(2 * 1024 * 1024) }] }),
      ).rejects.toThrow(/too large|larger than/i);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await producer.disconnect();
    }
  });
});
