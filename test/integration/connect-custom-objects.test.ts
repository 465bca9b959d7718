import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnect, type Connect } from '../../services/connect/connect.ts';
import { objectTopics, topicNames } from '../../services/engine/topics.ts';
import { createKafka } from '../../services/kafka/client.ts';
import { createTopicTable, type TopicTable } from '../../services/kafka/table.ts';
import { ensureTopics } from '../../services/kafka/topics.ts';
import { createLogger } from '../../services/log/logger.ts';
import {
  createObjectStore,
  customDescriptor,
  defineCustomObjects,
  isObjectType,
} from '../../services/objects/index.ts';
import postgresFixture from '../conformance/postgres.ts';
import type { ConformanceSystem } from '../conformance/fixture.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { connectSettings } from '../support/pipeline-fixture.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The connect role and a connection whose config names an object type it does not know yet (the
 * config rows arrive in any order): the connection waits, says so in its status, and starts by
 * itself once the object's row arrives.
 */
const prefix = uniqueName('connect_custom');
let connect: Connect;
let table: TopicTable;
let system: ConformanceSystem;

const gizmos = customDescriptor({
  name: 'gizmos',
  singular: 'gizmo',
  label: 'Gizmos',
  properties: [
    { name: 'serial', label: 'Serial', type: 'string' },
    { name: 'title', label: 'Title', type: 'string' },
  ],
  matchKey: { property: 'serial', normalize: 'text' },
});

beforeAll(async () => {
  system = await postgresFixture.create(prefix);
  const schema = (system.config as { schema: string }).schema;
  const db = new pg.Client({ connectionString: endpoints().postgresUrl });
  await db.connect();
  try {
    await db.query(
      `CREATE TABLE "${schema}".gizmos (id bigserial PRIMARY KEY, serial text, title text)`,
    );
  } finally {
    await db.end();
  }
  connect = await startConnect({
    ...connectSettings(prefix),
    logger: createLogger('test-connect-custom', process.env.TANDEM_TEST_LOG ?? 'warn'),
    leaseTtlMs: 3_000,
  });
  table = createTopicTable({
    kafka: createKafka({ brokers: endpoints().kafkaBrokers, clientId: prefix }),
    topic: topicNames(prefix).config,
  });
  await table.open();
});

afterAll(async () => {
  await connect?.close();
  await table?.close();
  await system?.close();
  defineCustomObjects([]);
});

describe('connect: a connection naming an object defined later', () => {
  it('waits with a status that says why, then starts once the object is defined', async () => {
    expect(isObjectType('gizmos')).toBe(false);
    const id = 'gizmo-db';
    await connect.connections.put({
      id,
      type: 'postgres',
      name: id,
      config: {
        ...(system.config as Record<string, unknown>),
        objects: { gizmos: { table: 'gizmos' } },
      },
    });
    await waitFor('the waiting status', () =>
      Boolean(connect.connections.status(id)?.message.includes('"gizmos"')),
    );
    expect(connect.connections.status(id)?.ok).toBe(false);
    expect(connect.readingHere()).not.toContain(id);

    // What the API does: topics first, then the row.
    const kafka = createKafka({ brokers: endpoints().kafkaBrokers, clientId: `${prefix}-admin` });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(
      admin,
      objectTopics(topicNames(prefix), 'gizmos', { partitions: 3, replicationFactor: 1 }),
    );
    await admin.disconnect();
    await createObjectStore(table).put(gizmos);

    await waitFor('the connection to start reading', () => connect.readingHere().includes(id));
    await waitFor('its status to clear', () => connect.connections.status(id)?.ok === true);
  });
});
