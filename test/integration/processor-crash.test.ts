import type { ChildProcess } from 'node:child_process';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventCodec } from '../../services/engine/events/index.ts';
import { createSyncRegistry } from '../../services/engine/sync-registry.ts';
import { topicNames } from '../../services/engine/topics.ts';
import type { WriteCommand } from '../../services/engine/types.ts';
import { createTopicTable } from '../../services/kafka/table.ts';
import { contactsSync } from '../support/engine-fixture.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { deletePrefixKeys } from '../support/redis-keys.ts';
import { spawnRole, stopRoles } from '../support/role-process.ts';
import { waitFor, waitQuiet } from '../support/wait.ts';

const ep = endpoints();
const prefix = uniqueName('crash');
const topics = topicNames(prefix);
const kafka = new Kafka({
  clientId: 'crash-test',
  brokers: [...ep.kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const codec = createEventCodec({ registry: new SchemaRegistry({ host: ep.schemaRegistryUrl }) });
const children: ChildProcess[] = [];

function startProcessor(): ChildProcess {
  const child = spawnRole('processor', {
    TANDEM_TOPIC_PREFIX: prefix,
    TANDEM_REDIS_PREFIX: prefix,
    TANDEM_TOPIC_PARTITIONS: '4',
    TANDEM_LOG_LEVEL: 'warn',
  });
  children.push(child);
  return child;
}

afterAll(async () => {
  await stopRoles(children);
  const redis = new Redis(ep.redisUrl);
  await deletePrefixKeys(redis, prefix);
  redis.disconnect();
});

describe('processor crash', () => {
  it('loses no change and duplicates nothing when one of two instances is killed mid-stream', async () => {
    const first = startProcessor();
    const admin = kafka.admin();
    await admin.connect();
    await waitFor('the processor to create its topics', async () =>
      (await admin.listTopics()).includes(topics.config),
    );
    const table = createTopicTable({ kafka, topic: topics.config });
    await table.open();
    const registry = createSyncRegistry(table);
    const syncId = 'crash-sync';
    await registry.put(contactsSync(syncId, 'crm', 'billing', { state: 'running' }));
    await waitFor('the merge to start', () => table.get(`merge-ready/${syncId}`) === '1');
    startProcessor();
    await waitFor('both instances in the merge group', async () => {
      const { groups } = await admin.describeGroups([`${prefix}.merge.${syncId}`]);
      return groups[0]?.members.length === 2 && groups[0]?.state === 'Stable';
    });

    // crm: e0..e24999; billing: e15000..e39999 (10,000 shared). 50,000 changes, interleaved.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const changes = topics.changes('contacts');
    const event = (conn: string, i: number) =>
      codec.encode('change-event', changes, {
        connectionId: conn,
        object: 'contacts',
        recordId: `${conn}-${i}`,
        op: 'create',
        position: String(i),
        sourceTs: Date.now(),
        fields: {
          email: `e${i}@example.com`,
          firstname: `${conn}${i}`,
          lastname: null,
          phone: null,
        },
        associations: [],
      });
    const batch = 1000;
    for (let n = 0; n < 25_000; n += batch) {
      const messages = [];
      for (let i = n; i < n + batch; i++) {
        messages.push({ key: `crm/crm-${i}`, value: await event('crm', i) });
        messages.push({
          key: `billing/billing-${i + 15_000}`,
          value: await event('billing', i + 15_000),
        });
      }
      await producer.send({ topic: changes, acks: -1, messages });
      if (n === 12_000) first.kill('SIGKILL');
    }
    await producer.disconnect();

    const commands: WriteCommand[] = [];
    const reader = kafka.consumer({ groupId: `${prefix}.reader`, maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({
      topics: [topics.writes('crm'), topics.writes('billing')],
      fromBeginning: true,
    });
    await reader.run({
      eachMessage: async ({ message }) => {
        const e = await codec.decode(message.value as Buffer);
        if (e.kind === 'write-command') commands.push(e.value);
      },
    });
    const createsTo = (conn: string) =>
      commands.filter((c) => c.mode === 'create' && c.connectionId === conn);
    await waitFor(
      'every one-sided contact to be created on the other side',
      () =>
        new Set(createsTo('billing').map((c) => c.entityId)).size >= 15_000 &&
        new Set(createsTo('crm').map((c) => c.entityId)).size >= 15_000,
      240_000,
      500,
    );
    await waitQuiet(() => commands.length, 5_000);
    await reader.disconnect();
    await table.close();
    await admin.disconnect();
    expect(first.signalCode).toBe('SIGKILL');

    // No lost change: every one-sided contact reached the other side. No duplicate entity: one
    // entity per email. No duplicate create with a different id: one create id per target+entity.
    const entitiesByEmail = new Map<string, Set<string>>();
    const createIds = new Map<string, Set<string>>();
    for (const c of commands) {
      const email = c.fields.email; // updates carry only the fields that change
      if (email) {
        if (!entitiesByEmail.has(email)) entitiesByEmail.set(email, new Set());
        entitiesByEmail.get(email)?.add(c.entityId);
      }
      if (c.mode === 'create') {
        const k = `${c.connectionId}/${c.entityId}`;
        if (!createIds.has(k)) createIds.set(k, new Set());
        createIds.get(k)?.add(c.commandId);
      }
    }
    for (let i = 0; i < 15_000; i++) {
      expect(entitiesByEmail.get(`e${i}@example.com`)?.size, `crm-only e${i}`).toBe(1);
      expect(
        entitiesByEmail.get(`e${i + 25_000}@example.com`)?.size,
        `billing-only e${i + 25_000}`,
      ).toBe(1);
    }
    for (const [email, ids] of entitiesByEmail) expect(ids.size, email).toBe(1);
    for (const [k, ids] of createIds) expect(ids.size, k).toBe(1);
    const redelivered = commands.length - new Set(commands.map((c) => c.commandId)).size;
    console.log(`crash test: ${commands.length} write commands, ${redelivered} replayed copies`);
  }, 400_000);
});
