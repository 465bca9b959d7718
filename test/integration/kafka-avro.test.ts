import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { waitFor } from '../support/wait.ts';

const ep = endpoints();
const kafka = new Kafka({
  clientId: 'tandem-test',
  brokers: [...ep.kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const consumers: Consumer[] = [];

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect()));
});

describe('Kafka with Avro through the schema registry', () => {
  it('creates a topic with the number of partitions asked for', async () => {
    const topic = uniqueName('partitions');
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] })).toBe(true);
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]?.partitions).toHaveLength(6);
    } finally {
      await admin.disconnect();
    }
  });

  it('does not create a topic by producing to it (auto-creation is off)', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 1 } });
    await producer.connect();
    try {
      await expect(
        producer.send({ topic: uniqueName('absent'), messages: [{ value: 'x' }] }),
      ).rejects.toThrow();
    } finally {
      await producer.disconnect();
    }
  });

  it('produces Avro through the registry and two group members split the partitions', async () => {
    const topic = uniqueName('avro');
    const groupId = uniqueName('group');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    await admin.disconnect();

    const registry = new SchemaRegistry({ host: ep.schemaRegistryUrl });
    const schema = JSON.stringify({
      type: 'record',
      name: 'Contact',
      namespace: 'dev.tandem.test',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'email', type: ['null', 'string'], default: null },
      ],
    });
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema },
      { subject: `${topic}-value` },
    );

    const total = 200;
    const producer = kafka.producer();
    await producer.connect();
    const messages = await Promise.all(
      Array.from({ length: total }, async (_, i) => ({
        key: `c${i}`,
        value: await registry.encode(id, { id: `c${i}`, email: `p${i}@example.com` }),
      })),
    );
    await producer.send({ topic, messages, acks: -1 });
    await producer.disconnect();

    const seen = new Map<string, Set<number>>();
    const received: string[] = [];
    const assignments = new Map<string, number[]>();
    const allIn = new Promise<void>((resolve) => {
      for (const member of ['m1', 'm2']) {
        const consumer = kafka.consumer({
          groupId,
          sessionTimeout: 10_000,
          heartbeatInterval: 500,
        });
        consumers.push(consumer);
        seen.set(member, new Set());
        consumer.on(consumer.events.GROUP_JOIN, (e) => {
          assignments.set(member, e.payload.memberAssignment[topic] ?? []);
        });
        void (async () => {
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });
          await consumer.run({
            eachMessage: async ({ partition, message }) => {
              seen.get(member)?.add(partition);
              const decoded = (await registry.decode(message.value as Buffer)) as { id: string };
              received.push(decoded.id);
              if (new Set(received).size === total) resolve();
            },
          });
        })();
      }
    });
    await allIn;
    expect(new Set(received).size).toBe(total);
    // On a loaded machine the first member may read everything before the second joins: the
    // group then rebalances, and both members hold a share of the partitions.
    await waitFor(
      'both members to hold partitions',
      () =>
        assignments.size === 2 &&
        [...assignments.values()].every((p) => p.length > 0) &&
        [...assignments.values()].flat().length === 4,
      30_000,
    );
    // Together they hold all four, once each.
    const finalAssignments = [...assignments.values()];
    expect(finalAssignments).toHaveLength(2);
    for (const parts of finalAssignments) expect(parts.length).toBeGreaterThan(0);
    expect(finalAssignments.flat().sort()).toEqual([0, 1, 2, 3]);
  });
});
