/**
 * `npm run bench:processor`: changes/s through both processor stages (resolve + merge) for a
 * two-way contacts sync on the local stack, per-change latency, and — in the same run, on the
 * same machine — a bare kafkajs consume→produce passthrough over the same input, with the ratio.
 * Its last line is one JSON object with every figure.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { createEventCodec } from '../services/engine/events/index.ts';
import { startProcessor } from '../services/engine/processor.ts';
import { topicNames } from '../services/engine/topics.ts';
import { createLogger } from '../services/log/logger.ts';
import { contactsSync } from '../test/support/engine-fixture.ts';
import { endpoints, uniqueName } from '../test/support/endpoints.ts';
import { deletePrefixKeys } from '../test/support/redis-keys.ts';
import { cpuJson, formatCpu, profileCpu } from './support/cpu-profile.ts';

const N = Number(process.env.BENCH_CHANGES ?? 50_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
const ep = endpoints();
const prefix = uniqueName('bench');
const topics = topicNames(prefix);
const kafka = new Kafka({
  clientId: 'bench',
  brokers: [...ep.kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const codec = createEventCodec({ registry: new SchemaRegistry({ host: ep.schemaRegistryUrl }) });
const changes = topics.changes('contacts');
const log = (line: string) => process.stdout.write(`${line}\n`);

/** The change event of contact `i` on the crm side (`edit` > 0: its edit number `edit`). */
function contactChange(i: number, sourceTs: number, edit = 0, topic = changes) {
  return codec.encode('change-event', topic, {
    connectionId: 'crm',
    object: 'contacts',
    recordId: `c${i}`,
    op: edit > 0 ? 'update' : 'create',
    position: String(i + edit * 1_000_000),
    sourceTs,
    fields: {
      email: `bench${i}@example.com`,
      firstname: edit > 0 ? `F${i}-edit${edit}` : `F${i}`,
      lastname: `L${i}`,
      phone: null,
    },
    associations: [],
  });
}

async function produceChanges(
  count: number,
  start: number,
  edit = 0,
  producer = kafka.producer(),
  topic = changes,
): Promise<void> {
  await producer.connect();
  for (let n = start; n < start + count; n += 2000) {
    const messages: Message[] = [];
    for (let i = n; i < Math.min(n + 2000, start + count); i++) {
      messages.push({ key: `crm/c${i}`, value: await contactChange(i, Date.now(), edit, topic) });
    }
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

/**
 * Counts messages arriving on `topic` after this call until `count`, calling `onMessage` with each
 * as it arrives. Its group starts at the topic's current end and has joined when this resolves,
 * so that it measures arrivals, not a catch-up through the topic's history.
 */
async function countArrivals(topic: string, count: number, onMessage?: (value: Buffer) => void) {
  const groupId = `${prefix}.counter.${topic}.${Math.random().toString(36).slice(2)}`;
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.setOffsets({
    groupId,
    topic,
    partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
  });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 10 });
  const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) if (m.value) onMessage?.(m.value);
      seen += batch.messages.length;
      if (seen >= count) resolveDone();
    },
  });
  await joined;
  return { done, stop: () => consumer.disconnect() };
}

/**
 * Resolves once `topic` holds `count` messages in all (the sum of its partitions' end offsets),
 * polled through the admin API: no consumer in this process, so the profile is the processor's.
 */
async function waitForOffsets(topic: string, count: number, stallMs = 120_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let seen = -1;
    let movedAt = performance.now();
    for (;;) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const total = offsets.reduce((sum, p) => sum + Number(p.high), 0);
      if (total >= count) return;
      if (total !== seen) [seen, movedAt] = [total, performance.now()];
      else if (performance.now() - movedAt > stallMs) {
        throw new Error(`${topic} stalled at ${total} of ${count} messages for ${stallMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Messages per second arriving on `topic` from its message `base + 1` to `base + count`: the
 * steady rate, without the time to start (load code, join groups) before the first one.
 */
async function rateFromFirst(topic: string, base: number, count: number): Promise<number> {
  await waitForOffsets(topic, base + 1);
  const first = performance.now();
  await waitForOffsets(topic, base + count);
  return (count - 1) / ((performance.now() - first) / 1000);
}

async function passthrough(count: number): Promise<number> {
  const out = `${prefix}.passthrough`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: out, numPartitions: PARTITIONS }] });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `${prefix}.passthrough`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: changes, fromBeginning: true });
  const rate = rateFromFirst(out, 0, count);
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch, resolveOffset }) => {
      for (let i = 0; i < batch.messages.length; i += 500) {
        const chunk = batch.messages.slice(i, i + 500);
        await producer.send({
          topic: out,
          acks: -1,
          messages: chunk.map((m) => ({ key: m.key, value: m.value })),
        });
        const last = chunk[chunk.length - 1]!;
        await consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: String(Number(last.offset) + 1),
          },
        ]);
        resolveOffset(last.offset);
      }
    },
  });
  const perSec = await rate;
  await consumer.disconnect();
  await producer.disconnect();
  return perSec;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const benchLogger = createLogger('bench', 'warn');

function startIn(topicPrefix: string) {
  return startProcessor({
    brokers: ep.kafkaBrokers,
    redisUrl: ep.redisUrl,
    schemaRegistryUrl: ep.schemaRegistryUrl,
    topicPrefix,
    redisPrefix: topicPrefix,
    sizing: { partitions: PARTITIONS, replicationFactor: 1 },
    logger: benchLogger,
  });
}

/**
 * New records through `tandem processor --workers <workers>` (separate processes, as deployed):
 * a backlog of `count` changes under a prefix of its own, timed from the first write command to
 * the last, so the workers' start-up (loading the code, joining the groups) is not counted.
 */
async function workersRun(workers: number, count: number): Promise<number> {
  const own = uniqueName(`benchw${workers}`);
  const ownTopics = topicNames(own);
  const setup = await startIn(own);
  await setup.registry.put(contactsSync('bench', 'crm', 'billing', { state: 'running' }));
  await setup.mergeReady('bench', 1);
  await setup.close();
  await produceChanges(count, 0, 0, kafka.producer(), ownTopics.changes('contacts'));
  const tandem = fileURLToPath(new URL('../bin/tandem', import.meta.url));
  const child = spawn(tandem, ['processor', '--workers', String(workers)], {
    env: {
      ...process.env,
      TANDEM_KAFKA_BROKERS: ep.kafkaBrokers.join(','),
      TANDEM_REDIS_URL: ep.redisUrl,
      TANDEM_SCHEMA_REGISTRY_URL: ep.schemaRegistryUrl,
      TANDEM_TOPIC_PREFIX: own,
      TANDEM_REDIS_PREFIX: own,
      TANDEM_TOPIC_PARTITIONS: String(PARTITIONS),
      TANDEM_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    return await rateFromFirst(ownTopics.writes('billing'), 0, count);
  } finally {
    child.kill('SIGTERM');
    await exited;
    const redis = new Redis(ep.redisUrl);
    await deletePrefixKeys(redis, own);
    redis.disconnect();
  }
}

async function main() {
  const start = () => startIn(prefix);
  // Topics first (the processor creates them), then the backlog, then the clock starts.
  const processor = await start();
  // The sync exists before the backlog: its merge group is positioned at the (empty) end of the
  // entities topic and its write topics exist. The resolve group has committed nothing yet.
  await processor.registry.put(contactsSync('bench', 'crm', 'billing', { state: 'running' }));
  await processor.mergeReady('bench', 1);
  await processor.close();
  log(`producing ${N} change events (new contacts on one side of a two-way sync)…`);
  await produceChanges(N, 0);

  const { result: bare, cpu: bareCpu } = await profileCpu(N, () => passthrough(N), 'passthrough');
  log(`passthrough (bare kafkajs consume→produce, same input): ${bare.toFixed(0)} msg/s`);
  log(`  ${formatCpu(bareCpu, 'message')}`);

  const { result: newRun, cpu: newCpu } = await profileCpu(
    N,
    async () => {
      const running = await start();
      return { running, rate: await rateFromFirst(topics.writes('billing'), 0, N) };
    },
    'processor-new',
  );
  const p = newRun.running;
  const changesPerSec = newRun.rate;
  const seconds = N / changesPerSec;
  log(
    `processor: ${N} changes → ${N} write commands in ${seconds.toFixed(1)} s: ${changesPerSec.toFixed(0)} changes/s`,
  );
  log(`  ${formatCpu(newCpu)}`);

  // Updates: every one of those contacts edited once, in a backlog again — the live-sync case
  // (records already linked, states present: the identity map's fast path).
  await p.close();
  await produceChanges(N, 0, 1);
  const { result: updRun, cpu: updCpu } = await profileCpu(
    N,
    async () => {
      const running = await start();
      return { running, rate: await rateFromFirst(topics.writes('billing'), N, N) };
    },
    'processor-updates',
  );
  const p2 = updRun.running;
  const updatesPerSec = updRun.rate;
  const updSeconds = N / updatesPerSec;
  log(
    `processor, updates of linked records: ${N} in ${updSeconds.toFixed(1)} s: ${updatesPerSec.toFixed(0)} changes/s`,
  );
  log(`  ${formatCpu(updCpu)}`);

  // Latency: a steady stream at a fraction of the throughput, change time → write command time.
  const L = Math.min(5000, N);
  const latencies: number[] = [];
  const sourceTimes = new Map<string, number>();
  const lat = await countArrivals(topics.writes('billing'), L, (value) => {
    const arrived = Date.now();
    void codec.decode(value).then((e) => {
      const sent =
        e.kind === 'write-command' ? sourceTimes.get(e.value.fields.email ?? '') : undefined;
      if (sent !== undefined) latencies.push(arrived - sent);
    });
  });
  const producer = kafka.producer();
  await producer.connect();
  const rate = 1000; // changes per second
  for (let i = N; i < N + L; i += 100) {
    const messages: Message[] = [];
    for (let j = i; j < i + 100; j++) {
      const ts = Date.now();
      sourceTimes.set(`bench${j}@example.com`, ts);
      messages.push({ key: `crm/c${j}`, value: await contactChange(j, ts) });
    }
    await producer.send({ topic: changes, acks: -1, messages });
    await new Promise((r) => setTimeout(r, (100 / rate) * 1000));
  }
  await producer.disconnect();
  await lat.done;
  await new Promise((r) => setTimeout(r, 500));
  await lat.stop();
  latencies.sort((x, y) => x - y);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  log(
    `latency at ${rate} changes/s, change published → write command consumed: p50 ${p50} ms, p99 ${p99} ms (${latencies.length} samples)`,
  );
  await p2.close();

  // Worker processes: the processor as deployed, 1 and 2 processes (BENCH_WORKERS=1,2,3 …).
  const workerCounts = (process.env.BENCH_WORKERS ?? '1,2')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const byWorkers: Record<string, number> = {};
  for (const workers of workerCounts) {
    const rate = await workersRun(workers, N);
    byWorkers[String(workers)] = Math.round(rate);
    log(
      `processor --workers ${workers} (separate processes), new records: ${rate.toFixed(0)} changes/s (ratio ${(rate / bare).toFixed(3)})`,
    );
  }

  const redis = new Redis(ep.redisUrl);
  await deletePrefixKeys(redis, prefix);
  redis.disconnect();

  const ratio = changesPerSec / bare;
  const updatesRatio = updatesPerSec / bare;
  log(`ratio to passthrough: new records ${ratio.toFixed(3)}, updates ${updatesRatio.toFixed(3)}`);
  log(
    JSON.stringify({
      bench: 'processor',
      changes: N,
      partitions: PARTITIONS,
      changesPerSec: Math.round(changesPerSec),
      updatesPerSec: Math.round(updatesPerSec),
      p50Ms: p50,
      p99Ms: p99,
      passthroughPerSec: Math.round(bare),
      ratio: Number(ratio.toFixed(3)),
      updatesRatio: Number(updatesRatio.toFixed(3)),
      workersPerSec: byWorkers,
      cpuNew: cpuJson(newCpu),
      cpuUpdates: cpuJson(updCpu),
      cpuPassthrough: cpuJson(bareCpu),
    }),
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
