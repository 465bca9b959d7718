/**
 * `npm run bench:connectors`: for PostgreSQL and MariaDB, changes/s captured into Kafka by the
 * `connect` role (a bulk insert read back through logical replication / the binlog), p50/p99
 * capture latency at a steady rate, and sink rows/s (creates and updates through the sink task:
 * Kafka → connector → database → outcome); for HubSpot the same against the simulator, paced by
 * the connector's rate limits. Each figure sits beside its baseline on the same machine: capture
 * beside a bare kafkajs producer of the same events, sink beside the bare driver inserting the
 * same rows in the same batches. Its last line is one JSON object with every figure.
 */
import { createHash } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type Admin, type Message } from 'kafkajs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { matchFilter } from '../connectors/postgres/write-sql.ts';
import { createRedisClient } from '../services/common/redis-client.ts';
import { startConnect, type Connect } from '../services/connect/connect.ts';
import { createEventCodec } from '../services/engine/events/index.ts';
import { keyHashPartitioner } from '../services/kafka/partitioner.ts';
import { sendInBatches } from '../services/kafka/send-batches.ts';
import { topicNames } from '../services/engine/topics.ts';
import type { WriteCommand } from '../services/engine/types.ts';
import { createLogger } from '../services/log/logger.ts';
import type { ConformanceFixture, ConformanceSystem } from '../test/conformance/fixture.ts';
import { cpuJson, formatCpu, profileCpu, type CpuBreakdown } from './support/cpu-profile.ts';
import { contactsSync } from '../test/support/engine-fixture.ts';
import { endpoints, uniqueName } from '../test/support/endpoints.ts';
import { deletePrefixKeys } from '../test/support/redis-keys.ts';

const N = Number(process.env.BENCH_ROWS ?? 50_000);
const SINK_N = Number(process.env.BENCH_SINK_ROWS ?? 20_000);
const HUBSPOT_N = Number(process.env.BENCH_HUBSPOT_ROWS ?? 2_000);
const ep = endpoints();
const prefix = uniqueName('benchconn');
const topics = topicNames(prefix);
const kafka = new Kafka({
  clientId: 'bench',
  brokers: [...ep.kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const codec = createEventCodec({ registry: new SchemaRegistry({ host: ep.schemaRegistryUrl }) });
const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const perSec = (n: number, ms: number) => Math.round((n / ms) * 1000);
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Bulk access to a fixture's contacts table with the bare driver (the sink's baseline). */
interface RawTable {
  insert(rows: readonly { email: string; firstname: string }[]): Promise<void>;
  ids(): Promise<string[]>;
  indexEmail(): Promise<void>;
  close(): Promise<void>;
}

async function rawTable(type: string, config: Record<string, unknown>): Promise<RawTable> {
  if (type === 'postgres') {
    const client = new pg.Client({
      host: String(config.host),
      port: Number(config.port),
      database: String(config.database),
      user: String(config.user),
    });
    await client.connect();
    const table = `"${String(config.schema)}".contacts`;
    return {
      async insert(rows) {
        await client.query(
          `INSERT INTO ${table} (email, firstname) SELECT * FROM unnest($1::text[], $2::text[])`,
          [rows.map((r) => r.email), rows.map((r) => r.firstname)],
        );
      },
      ids: async () =>
        (
          await client.query<{ id: string }>(`SELECT id::text AS id FROM ${table} ORDER BY id`)
        ).rows.map((r) => r.id),
      // On the create-match prefilter's own expression, so the sink's match lookups use it.
      async indexEmail() {
        await client.query(
          `CREATE INDEX ON ${table} ((${matchFilter('email', 'email').expression}))`,
        );
      },
      close: () => client.end(),
    };
  }
  const conn = await mysql.createConnection({
    host: String(config.host),
    port: Number(config.port),
    database: String(config.database),
    user: 'root',
  });
  return {
    async insert(rows) {
      await conn.query('INSERT INTO contacts (email, firstname) VALUES ?', [
        rows.map((r) => [r.email, r.firstname]),
      ]);
    },
    async ids() {
      const [rows] = await conn.query('SELECT id FROM contacts ORDER BY id');
      return (rows as { id: number }[]).map((r) => String(r.id));
    },
    // The index a table of contacts usually has. The create-match prefilter cannot use it (it
    // compares an expression of the column; MariaDB indexes no expressions): it reads the table.
    async indexEmail() {
      await conn.query('CREATE INDEX contacts_email ON contacts (email)');
    },
    close: () => conn.end(),
  };
}

/** One admin client for every offset poll (a client per poll costs more CPU than the poll). */
let polling: Promise<Admin> | undefined;

async function offsetSum(topic: string): Promise<number> {
  polling ??= (async () => {
    const admin = kafka.admin();
    await admin.connect();
    return admin;
  })();
  const offsets = await (await polling).fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

async function waitForOffsets(topic: string, target: number, timeoutMs = 600_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if ((await offsetSum(topic)) >= target) return performance.now();
    if (Date.now() > until) throw new Error(`${topic} did not reach ${target}`);
    await sleep(25);
  }
}

/** The bare-producer baseline: N change events of the same shape, same batches, acks=-1. */
async function producerBaseline(count: number): Promise<number> {
  const topic = `${prefix}.baseline`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = performance.now();
  for (let i = 0; i < count; i += 5_000) {
    const messages: Message[] = [];
    for (let j = i; j < Math.min(count, i + 5_000); j++) {
      messages.push({
        key: `baseline/${j}`,
        value: await codec.encode('change-event', topic, {
          connectionId: 'baseline',
          object: 'contacts',
          recordId: String(j),
          op: 'create',
          position: `pos-${j}`,
          sourceTs: Date.now(),
          fields: { email: `b${j}@bench.test`, firstname: `B${j}`, lastname: null, phone: null },
          associations: [],
        }),
      });
    }
    await producer.send({ topic, acks: -1, messages });
  }
  const ms = performance.now() - started;
  await producer.disconnect();
  return perSec(count, ms);
}

async function fixture(type: string): Promise<ConformanceFixture> {
  return ((await import(`../test/conformance/${type}.ts`)) as { default: ConformanceFixture })
    .default;
}

/** Capture: rows written to the source → change events acknowledged by Kafka. */
async function capture(type: string, system: ConformanceSystem, raw: RawTable, count: number) {
  const changes = topics.changes('contacts');
  const before = await offsetSum(changes);
  const started = performance.now();
  for (let i = 0; i < count; i += 5_000) {
    await raw.insert(
      Array.from({ length: Math.min(5_000, count - i) }, (_, k) => ({
        email: `cap${i + k}@${type}.bench`,
        firstname: `C${i + k}`,
      })),
    );
  }
  const inserted = performance.now();
  const done = await waitForOffsets(changes, before + count);
  return {
    capturePerSec: perSec(count, done - started),
    insertPerSec: perSec(count, inserted - started),
  };
}

/** Capture latency at a steady 1,000 rows/s: commit → change event consumed from Kafka. */
async function captureLatency(type: string, raw: RawTable, seconds = 5) {
  const changes = topics.changes('contacts');
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId: `${prefix}.lat.${type}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic: changes, fromBeginning: false });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const arrived = Date.now();
      if (!message.value) return;
      const event = await codec.decode(message.value);
      if (event.kind !== 'change-event') return;
      const at = committedAt.get(event.value.fields.email ?? '');
      if (at !== undefined) latencies.push(arrived - at);
    },
  });
  while (!joined) await sleep(50);
  await sleep(1_000);
  for (let tick = 0; tick < seconds * 10; tick++) {
    const rows = Array.from({ length: 100 }, (_, k) => ({
      email: `lat${tick * 100 + k}@${type}.bench`,
      firstname: 'L',
    }));
    await raw.insert(rows);
    const now = Date.now();
    for (const r of rows) committedAt.set(r.email, now);
    await sleep(100);
  }
  const until = Date.now() + 30_000;
  while (latencies.length < committedAt.size && Date.now() < until) await sleep(100);
  await consumer.disconnect();
  latencies.sort((x, y) => x - y);
  return {
    captureP50Ms: percentile(latencies, 50),
    captureP99Ms: percentile(latencies, 99),
    samples: latencies.length,
  };
}

/**
 * Sink: write commands on the connection's write topic → rows written + outcomes acknowledged.
 * Rows/s from the first command produced (`perSec`), and from before the bench encoded the
 * commands (`withEncodePerSec`): the encoding is the bench's work, not the sink's, but it runs in
 * the same process. `cpu`: this process's CPU per row from the first command produced to the
 * last outcome — the `connect` role's sink task runs in it, and so does the bench producing the
 * commands (in kafka-produce, about what the bare producer costs per event).
 */
async function sink(connectionId: string, commands: WriteCommand[], name: string) {
  const outcomesBefore = await offsetSum(topics.outcomes);
  // Partitions as the processor picks them, without kafkajs's (much slower) default partitioner.
  const producer = kafka.producer({ createPartitioner: keyHashPartitioner });
  await producer.connect();
  const topic = topics.writes(connectionId);
  const encodeStarted = performance.now();
  const messages: Message[] = [];
  for (const cmd of commands) {
    messages.push({ key: cmd.entityId, value: await codec.encode('write-command', topic, cmd) });
  }
  const started = performance.now();
  const { result: done, cpu } = await profileCpu(
    commands.length,
    async () => {
      // In requests of at most 256 KiB, as the processor sends them.
      await sendInBatches(
        producer,
        messages.map((message) => ({ topic, message })),
      );
      return waitForOffsets(topics.outcomes, outcomesBefore + commands.length);
    },
    name,
  );
  await producer.disconnect();
  return {
    perSec: perSec(commands.length, done - started),
    withEncodePerSec: perSec(commands.length, done - encodeStarted),
    cpu,
  };
}

/** CPU breakdowns for the JSON line, µs per item (`cpuJson`). */
function cpuFigures(figures: Record<string, CpuBreakdown>) {
  return Object.fromEntries(Object.entries(figures).map(([k, cpu]) => [k, cpuJson(cpu)]));
}

/** A deterministic entity id (a lowercase UUID, as the identity map issues them). */
function entityIdOf(tag: string, i: number): string {
  const h = createHash('sha256').update(`${tag}/${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function command(
  syncId: string,
  connectionId: string,
  i: number,
  recordId: string | null,
  tag: string,
): WriteCommand {
  return {
    commandId: `${tag}-${i}`,
    syncId,
    entityId: entityIdOf(tag, i),
    object: 'contacts',
    connectionId,
    recordId,
    mode: recordId === null ? 'create' : 'update',
    fields: { email: `${tag}${i}@sink.bench`, firstname: `S${i}` },
    associations: [],
    issuedAt: Date.now(),
  };
}

async function benchDatabase(connect: Connect, type: 'postgres' | 'mysql') {
  const system = await (
    await fixture(type)
  ).create(`${prefix}_${type}`.replace(/[^a-z0-9_]/gi, '_'));
  const config = system.config as Record<string, unknown>;
  const raw = await rawTable(type, config);
  try {
    await connect.connections.put({ id: type, type, name: type, config });
    const until = Date.now() + 60_000;
    while (!connect.readingHere().includes(type) || connect.positions.source(type) === undefined) {
      if (Date.now() > until) throw new Error(`${type}: the reader did not start`);
      await sleep(100);
    }
    const { result: cap, cpu: captureCpu } = await profileCpu(
      N,
      () => capture(type, system, raw, N),
      `${type}-capture`,
    );
    const { result: baseline, cpu: baselineCpu } = await profileCpu(
      N,
      () => producerBaseline(N),
      `${type}-capture-baseline`,
    );
    log(
      `${type} capture: ${N} rows → Kafka at ${cap.capturePerSec} changes/s (bulk insert itself ${cap.insertPerSec} rows/s); bare producer of the same events ${baseline}/s; ratio ${(cap.capturePerSec / baseline).toFixed(2)}`,
    );
    log(`  capture (the bench's bulk insert included, in database): ${formatCpu(captureCpu)}`);
    log(`  bare producer (encoding included, in avro): ${formatCpu(baselineCpu, 'event')}`);
    const lat = await captureLatency(type, raw);
    log(
      `${type} capture latency at 1,000 rows/s: p50 ${lat.captureP50Ms} ms, p99 ${lat.captureP99Ms} ms (${lat.samples} samples)`,
    );

    // Sink: a running sync that names this connection (the sink drops commands of syncs that are off).
    const syncId = `sink-${type}`;
    await connect.syncs.put(contactsSync(syncId, type, 'elsewhere', { state: 'running' }));
    await raw.indexEmail();
    const creates = Array.from({ length: SINK_N }, (_, i) =>
      command(syncId, type, i, null, `new${type}`),
    );
    const createSink = await sink(type, creates, `${type}-sink-creates`);
    const createPerSec = createSink.perSec;
    // Updates of the records just created: linked entities, as the engine sends them (each
    // applied once through the ledger, and checked against the row's current values).
    const updates = await Promise.all(
      creates.map(async (c, i) => {
        const recordId = (await connect.identity.entityRecords(c.entityId))[type] ?? null;
        const update = command(syncId, type, i, recordId, `new${type}`);
        // Conditional, as the engine sends them: each field names the value the row holds.
        return {
          ...update,
          commandId: `upd${type}-${i}`,
          expected: Object.fromEntries(Object.entries(update.fields).map(([f, v]) => [f, [v]])),
        };
      }),
    );
    const updateSink = await sink(type, updates, `${type}-sink-updates`);
    const updatePerSec = updateSink.perSec;
    const rawStarted = performance.now();
    const { cpu: rawCpu } = await profileCpu(
      SINK_N,
      async () => {
        for (let i = 0; i < SINK_N; i += 500) {
          await raw.insert(
            Array.from({ length: Math.min(500, SINK_N - i) }, (_, k) => ({
              email: `raw${i + k}@sink.bench`,
              firstname: 'R',
            })),
          );
        }
      },
      `${type}-sink-baseline`,
    );
    const rawPerSec = perSec(SINK_N, performance.now() - rawStarted);
    log(
      `${type} sink: creates ${createPerSec} rows/s, updates ${updatePerSec} rows/s (Kafka → connector → ${type} → outcome; ${createSink.withEncodePerSec} / ${updateSink.withEncodePerSec} counting the bench encoding the commands first); bare driver inserts in batches of 500: ${rawPerSec} rows/s; ratio ${(createPerSec / rawPerSec).toFixed(2)} / ${(updatePerSec / rawPerSec).toFixed(2)}`,
    );
    log(
      `  creates (the bench producing the commands included): ${formatCpu(createSink.cpu, 'row')}`,
    );
    log(`  updates (the same): ${formatCpu(updateSink.cpu, 'row')}`);
    log(`  bare driver: ${formatCpu(rawCpu, 'row')}`);
    await connect.connections.remove(type);
    return {
      capturePerSec: cap.capturePerSec,
      captureBaselinePerSec: baseline,
      captureRatio: Number((cap.capturePerSec / baseline).toFixed(3)),
      captureP50Ms: lat.captureP50Ms,
      captureP99Ms: lat.captureP99Ms,
      sinkPerSec: Math.min(createPerSec, updatePerSec),
      sinkCreatePerSec: createPerSec,
      sinkUpdatePerSec: updatePerSec,
      sinkCreateWithEncodePerSec: createSink.withEncodePerSec,
      sinkUpdateWithEncodePerSec: updateSink.withEncodePerSec,
      sinkBaselinePerSec: rawPerSec,
      sinkRatio: Number((Math.min(createPerSec, updatePerSec) / rawPerSec).toFixed(3)),
      sinkCreateRatio: Number((createPerSec / rawPerSec).toFixed(3)),
      sinkUpdateRatio: Number((updatePerSec / rawPerSec).toFixed(3)),
      cpu: cpuFigures({
        capture: captureCpu,
        captureBaseline: baselineCpu,
        sinkCreates: createSink.cpu,
        sinkUpdates: updateSink.cpu,
        sinkBaseline: rawCpu,
      }),
    };
  } finally {
    await raw.close();
    await sleep(500);
    await system.close();
  }
}

async function benchHubSpot(connect: Connect) {
  const system = await (await fixture('hubspot')).create(`${prefix}_hubspot`);
  try {
    await connect.connections.put({
      id: 'hubspot',
      type: 'hubspot',
      name: 'hubspot',
      config: system.config,
    });
    while (
      !connect.readingHere().includes('hubspot') ||
      connect.positions.source('hubspot') === undefined
    ) {
      await sleep(100);
    }
    const changes = topics.changes('contacts');
    const before = await offsetSum(changes);
    const started = performance.now();
    await system.insert(
      'contacts',
      Array.from({ length: HUBSPOT_N }, (_, i) => ({
        email: `hub${i}@bench.test`,
        firstname: `H${i}`,
      })),
    );
    const done = await waitForOffsets(changes, before + HUBSPOT_N);
    const capturePerSec = perSec(HUBSPOT_N, done - started);
    const syncId = 'sink-hubspot';
    await connect.syncs.put(contactsSync(syncId, 'hubspot', 'elsewhere', { state: 'running' }));
    const { perSec: sinkPerSec } = await sink(
      'hubspot',
      Array.from({ length: HUBSPOT_N }, (_, i) => command(syncId, 'hubspot', i, null, 'newhub')),
      'hubspot-sink-creates',
    );
    log(
      `hubspot (simulator, paced by the connector's limits: 100 requests/10 s, search 4/s): capture ${capturePerSec} changes/s, sink creates ${sinkPerSec} rows/s`,
    );
    await connect.connections.remove('hubspot');
    return { capturePerSec, sinkPerSec };
  } finally {
    await system.close();
  }
}

async function main() {
  const logger = createLogger('bench', 'error');
  const connect = await startConnect({
    brokers: ep.kafkaBrokers,
    redisUrl: ep.redisUrl,
    schemaRegistryUrl: ep.schemaRegistryUrl,
    topicPrefix: prefix,
    redisPrefix: prefix,
    sizing: { partitions: 3, replicationFactor: 1 },
    logger,
  });
  const postgres = await benchDatabase(connect, 'postgres');
  const mysqlFigures = await benchDatabase(connect, 'mysql');
  // BENCH_HUBSPOT_ROWS=0 leaves HubSpot out (its figures are paced by the rate limits).
  const hubspot = HUBSPOT_N > 0 ? await benchHubSpot(connect) : null;
  await connect.close();
  if (polling) await (await polling).disconnect();
  const redis = createRedisClient(ep.redisUrl);
  await deletePrefixKeys(redis, prefix);
  redis.disconnect();
  log(
    JSON.stringify({
      bench: 'connectors',
      rows: N,
      sinkRows: SINK_N,
      postgres,
      mysql: mysqlFigures,
      hubspot,
    }),
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
