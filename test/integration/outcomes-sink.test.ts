import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type ClickHouseClient,
  identifier,
  openClickHouse,
  queryRows,
  runStatement,
  sql,
  waitUntilReady,
} from '../../services/clickhouse/index.ts';
import { createEventCodec } from '../../services/engine/events/index.ts';
import { topicNames } from '../../services/engine/topics.ts';
import type { Outcome } from '../../services/engine/types.ts';
import { createKafka } from '../../services/kafka/client.ts';
import { ensureTopics } from '../../services/kafka/topics.ts';
import { createLogger } from '../../services/log/logger.ts';
import { syntheticOutcomes } from '../../services/outcomes/fixtures.ts';
import { createHealthQueries } from '../../services/outcomes/health-queries.ts';
import type { HealthSource, RecordView } from '../../services/outcomes/health-types.ts';
import {
  type OutcomesSink,
  outcomesGroupId,
  startOutcomes,
} from '../../services/outcomes/outcomes.ts';
import { rollUpOutcomes } from '../../services/outcomes/rollup.ts';
import { outcomeTables } from '../../services/outcomes/schema.ts';
import { endpoints, uniqueName } from '../support/endpoints.ts';
import { waitFor } from '../support/wait.ts';

const ep = endpoints();
const prefix = uniqueName('outcomes_sink');
const database = uniqueName('outcomes_sink_db');
const topic = topicNames(prefix).outcomes;
const groupId = outcomesGroupId(prefix);
const logger = createLogger('test-outcomes-sink', process.env.TANDEM_TEST_LOG ?? 'error');
const kafka = createKafka({ brokers: ep.kafkaBrokers, clientId: 'test-outcomes-sink' });
const codec = createEventCodec({ registry: new SchemaRegistry({ host: ep.schemaRegistryUrl }) });

const outcomes = syntheticOutcomes({
  syncId: 'sync-k',
  count: 1_200,
  startMs: Date.now() - 3_600_000,
});
const truth = rollUpOutcomes(outcomes);

let admin: Admin;
let producer: Producer;
let client: ClickHouseClient;
let queries: HealthSource;
let sink: OutcomesSink | undefined;

async function produceAll(list: readonly Outcome[] = outcomes, extra = true): Promise<void> {
  const messages = await Promise.all(
    list.map(async (o) => ({
      key: `${o.syncId}/${o.entityId}`,
      value: await codec.encode('outcome', topic, o),
    })),
  );
  await producer.send({
    topic,
    acks: -1,
    messages: [
      ...messages,
      ...(extra
        ? [
            { key: 'garbage', value: Buffer.from('not an Avro event') },
            { key: 'tombstone', value: null },
          ]
        : []),
    ],
  });
}

function start(): Promise<OutcomesSink> {
  return startOutcomes({
    brokers: ep.kafkaBrokers,
    schemaRegistryUrl: ep.schemaRegistryUrl,
    clickhouseUrl: ep.clickhouseUrl,
    database,
    topicPrefix: prefix,
    logger,
  });
}

/** Whether the group has committed the end of every partition. */
async function allCommitted(): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return ends.every(
    (end) =>
      committed?.partitions.find((p) => p.partition === end.partition)?.offset === end.offset,
  );
}

function waitCommitted(): Promise<void> {
  return waitFor('the outcomes sink to commit every partition', allCommitted);
}

async function counts(): Promise<{ rows: number; final: number; events: number }> {
  const history = identifier(database, outcomeTables.history);
  const [row] = await queryRows<{ rows: string; events: string }>(
    client,
    sql`SELECT count() AS rows, uniqExact(event_id) AS events FROM ${history}`,
  );
  const [final] = await queryRows<{ n: string }>(
    client,
    sql`SELECT count() AS n FROM ${history} FINAL`,
  );
  return { rows: Number(row?.rows), final: Number(final?.n), events: Number(row?.events) };
}

async function allRecords(): Promise<RecordView[]> {
  const seen: RecordView[] = [];
  let cursor: string | null = null;
  do {
    const page = await queries.records('sync-k', { limit: 1000, ...(cursor ? { cursor } : {}) });
    seen.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return seen;
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, partitions: 3, replicationFactor: 1 }]);
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  client = openClickHouse({ url: ep.clickhouseUrl });
  await waitUntilReady(client, { timeoutMs: 120_000 });
  queries = createHealthQueries(client, database);
});

afterAll(async () => {
  await sink?.close();
  await producer?.disconnect();
  await admin?.deleteGroups([groupId]).catch(() => undefined);
  await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin?.disconnect();
  await runStatement(client, sql`DROP DATABASE IF EXISTS ${identifier(database)}`);
  await client?.close();
});

describe('the outcomes sink', () => {
  it('writes every outcome to the history and every record’s status, skipping undecodable messages', async () => {
    await produceAll();
    sink = await start();
    await waitCommitted();
    // Committed offsets mean ClickHouse acknowledged the rows: they are all there now.
    expect((await counts()).final).toBe(outcomes.length);
    expect(sink.stats()).toMatchObject({ written: outcomes.length, skipped: 2 });
    expect(sink.stats().writes).toBeLessThan(outcomes.length / 100);

    const health = await queries.health('sync-k');
    const states = [...truth.values()];
    expect(health).toMatchObject({
      inSync: states.filter((s) => s.status === 'in-sync').length,
      failed: states.filter((s) => s.status === 'failed').length,
      excluded: states.filter((s) => s.status === 'excluded').length,
      pending: states.filter((s) => s.status === 'pending').length,
      lastChangeAt: new Date(Math.max(...outcomes.map((o) => o.at))).toISOString(),
    });
    const records = await allRecords();
    expect(records.length).toBe(truth.size);
    for (const r of records) {
      expect(r.status).toBe(truth.get(`sync-k/${r.entityId}`)?.status);
    }
  });

  it('changes nothing when every message is read again, duplicates included', async () => {
    const before = { health: await queries.health('sync-k'), records: await allRecords() };
    await sink?.close();
    sink = undefined;
    // The duplicates must stay visible until the end of the test, so no merge may remove them.
    await runStatement(
      client,
      sql`SYSTEM STOP MERGES ${identifier(database, outcomeTables.history)}`,
    );
    await produceAll();
    await admin.resetOffsets({ groupId, topic, earliest: true });
    sink = await start();
    await waitCommitted();
    expect(sink.stats().written).toBe(2 * outcomes.length);

    const after = await counts();
    expect(after.final).toBe(outcomes.length);
    expect(after.events).toBe(outcomes.length);
    expect(after.rows).toBeGreaterThan(outcomes.length);
    expect(await queries.health('sync-k')).toEqual(before.health);
    expect(await allRecords()).toEqual(before.records);

    for (const table of [outcomeTables.history, outcomeTables.status]) {
      await runStatement(client, sql`SYSTEM START MERGES ${identifier(database, table)}`);
      await runStatement(client, sql`OPTIMIZE TABLE ${identifier(database, table)} FINAL`);
    }
    expect((await counts()).rows).toBe(outcomes.length);
    expect(await allRecords()).toEqual(before.records);
  });

  it('commits no offset while ClickHouse refuses the write, and catches up once it accepts', async () => {
    const late = syntheticOutcomes({ syncId: 'sync-late', count: 30, startMs: Date.now() });
    const status = identifier(database, outcomeTables.status);
    const away = identifier(database, 'record_status_away');
    await runStatement(client, sql`RENAME TABLE ${status} TO ${away}`);
    try {
      await produceAll(late, false);
      await new Promise((r) => setTimeout(r, 3_000));
      expect(await allCommitted()).toBe(false);
    } finally {
      await runStatement(client, sql`RENAME TABLE ${away} TO ${status}`);
    }
    await waitCommitted();
    const health = await queries.health('sync-late');
    expect(health.inSync + health.failed + health.excluded + health.pending).toBe(30);
  });
});
