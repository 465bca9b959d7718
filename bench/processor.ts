/**
 * `npm run bench:processor`: changes/s through both processor stages (resolve + merge) for a
 * two-way contacts sync on the local stack, per-change latency, and — in the same run, on the
 * same machine — a bare kafkajs consume→produce passthrough over the same input, with the ratio.
 *
 * `-- --instances 1,2,3`: instead of the single-processor figures, the passthrough and then, for
 * each count N, N processor instances as separate processes sharing the consumer groups, timed
 * end to end, with the ratio to the first count and where the machine's CPU went.
 * `-- --profile cluster`: against the stack's cluster profile (`.tandem/cluster.env`: three Kafka
 * brokers, replication factor 3, the Redis Cluster). Its last line is one JSON object with every
 * figure.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { createRedisClient, redisTarget } from '../services/common/redis-client.ts';
import { createEventCodec } from '../services/engine/events/index.ts';
import { ensureTopics } from '../services/kafka/topics.ts';
import { startProcessor } from '../services/engine/processor.ts';
import { topicNames, type TopicSizing } from '../services/engine/topics.ts';
import { createLogger } from '../services/log/logger.ts';
import { contactsSync } from '../test/support/engine-fixture.ts';
import { endpoints, uniqueName } from '../test/support/endpoints.ts';
import { deletePrefixKeys } from '../test/support/redis-keys.ts';
import {
  BenchUsageError,
  parseBenchArgs,
  profileEnv,
  type ProcessorBenchOptions,
} from './support/bench-options.ts';
import { cpuJson, formatCpu, profileCpu } from './support/cpu-profile.ts';
import {
  cpuBetween,
  formatCpuUse,
  machineLoad,
  readStackPids,
  snapshotMachine,
  type CpuUse,
} from './support/machine-cpu.ts';
import { startInstances, waitForMembers } from './support/processor-instances.ts';

const N = Number(process.env.BENCH_CHANGES ?? 50_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
/** Changes each instance run sends before its clock starts (`--instances`). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 400);
const stateDir =
  process.env.TANDEM_STATE_DIR ?? fileURLToPath(new URL('../.tandem', import.meta.url));

/** The command line and the profile's environment; a wrong one ends the run with its usage. */
function readOptions(): { options: ProcessorBenchOptions; env: NodeJS.ProcessEnv } {
  try {
    const options = parseBenchArgs(process.argv.slice(2));
    return { options, env: { ...process.env, ...profileEnv(options.profile, stateDir) } };
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    process.stderr.write(`bench:processor: ${err.message}\n`);
    process.exit(2);
  }
}

/** Topic sizing as the profile sets it (the cluster's: replication factor 3, min ISR 2). */
function sizingOf(env: NodeJS.ProcessEnv): TopicSizing {
  const minIsr = env.TANDEM_TOPIC_MIN_INSYNC_REPLICAS;
  return {
    partitions: PARTITIONS,
    replicationFactor: Number(env.TANDEM_TOPIC_REPLICATION_FACTOR ?? 1),
    minInsyncReplicas: minIsr === undefined || minIsr === '' ? undefined : Number(minIsr),
  };
}

const { options, env: runEnv } = readOptions();
const ep = endpoints(runEnv);
const sizing = sizingOf(runEnv);
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

/** Change events of contacts `start` to `start + count - 1`, keyed as the connectors key them. */
async function encodeChanges(
  count: number,
  start: number,
  edit: number,
  topic: string,
): Promise<Message[]> {
  const messages: Message[] = [];
  for (let i = start; i < start + count; i++) {
    messages.push({ key: `crm/c${i}`, value: await contactChange(i, Date.now(), edit, topic) });
  }
  return messages;
}

/** Sends `messages` to `topic` in batches of 2,000, each acknowledged by all in-sync replicas. */
async function sendChanges(producer: Producer, topic: string, messages: readonly Message[]) {
  for (let n = 0; n < messages.length; n += 2000) {
    await producer.send({ topic, acks: -1, messages: messages.slice(n, n + 2000) });
  }
}

async function produceChanges(count: number, start: number, edit = 0, topic = changes) {
  const messages = await encodeChanges(count, start, edit, topic);
  const producer = kafka.producer();
  await producer.connect();
  await sendChanges(producer, topic, messages);
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
  // As the roles create theirs: on three brokers a topic just made may be unknown for a moment.
  await ensureTopics(admin, [{ topic: out, ...sizing }]);
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
    sizing,
    logger: benchLogger,
  });
}

/**
 * The environment of a `tandem processor` the benchmark starts: the profile's endpoints and
 * sizing, its own prefix, no metrics port (instances would share it) and no TANDEM_WORKERS.
 */
function roleEnv(own: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...runEnv,
    TANDEM_KAFKA_BROKERS: ep.kafkaBrokers.join(','),
    TANDEM_REDIS_URL: ep.redisUrl,
    TANDEM_SCHEMA_REGISTRY_URL: ep.schemaRegistryUrl,
    TANDEM_TOPIC_PREFIX: own,
    TANDEM_REDIS_PREFIX: own,
    TANDEM_TOPIC_PARTITIONS: String(PARTITIONS),
    TANDEM_TOPIC_REPLICATION_FACTOR: String(sizing.replicationFactor),
    TANDEM_LOG_LEVEL: 'warn',
  };
  delete env.TANDEM_METRICS_PORT;
  delete env.TANDEM_WORKERS;
  return env;
}

/** Deletes what a run under `own` left: its Redis keys and its topics (the stack is shared). */
async function cleanUp(own: string): Promise<void> {
  const redis = createRedisClient(ep.redisUrl);
  try {
    await deletePrefixKeys(redis, own);
  } finally {
    redis.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${own}.`));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
  }
}

/** A sync of contacts under `own` whose merge group is positioned, and nothing running. */
async function prepareSync(own: string): Promise<void> {
  const setup = await startIn(own);
  await setup.registry.put(contactsSync('bench', 'crm', 'billing', { state: 'running' }));
  await setup.mergeReady('bench', 1);
  await setup.close();
}

/**
 * New records through `tandem processor --workers <workers>` (separate processes, as deployed):
 * a backlog of `count` changes under a prefix of its own, timed from the first write command to
 * the last, so the workers' start-up (loading the code, joining the groups) is not counted.
 */
async function workersRun(workers: number, count: number): Promise<number> {
  const own = uniqueName(`benchw${workers}`);
  const ownTopics = topicNames(own);
  await prepareSync(own);
  await produceChanges(count, 0, 0, ownTopics.changes('contacts'));
  const tandem = fileURLToPath(new URL('../bin/tandem', import.meta.url));
  const child = spawn(tandem, ['processor', '--workers', String(workers)], {
    env: roleEnv(own),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    return await rateFromFirst(ownTopics.writes('billing'), 0, count);
  } finally {
    child.kill('SIGTERM');
    await exited;
    await cleanUp(own);
  }
}

interface InstancesRun {
  readonly instances: number;
  readonly changesPerSec: number;
  /** From the first change sent to the last write command out. */
  readonly seconds: number;
  /** Of which sending the input took this long. */
  readonly sendSeconds: number;
  readonly cpu: CpuUse;
  /** CPU of all instances together per change, µs: flat as N grows when only cores are short. */
  readonly processorMicrosPerChange: number;
}

/**
 * `instances` processor processes on a sync of their own, settled in their consumer groups
 * before any input exists, warmed up by BENCH_WARMUP changes; then `count` new-record changes,
 * timed end to end from the first change sent to the last write command out (start-up,
 * rebalances and warm-up excluded), with where the machine's CPU went meanwhile.
 */
async function instancesRun(instances: number, count: number): Promise<InstancesRun> {
  const own = uniqueName(`benchi${instances}`);
  const ownTopics = topicNames(own);
  await prepareSync(own);
  const input = ownTopics.changes('contacts');
  const messages = await encodeChanges(count, 0, 0, input);
  const warmup = await encodeChanges(WARMUP, count, 0, input);
  const out = ownTopics.writes('billing');
  const running = startInstances(instances, roleEnv(own));
  const admin = kafka.admin();
  const producer = kafka.producer();
  try {
    await Promise.all([admin.connect(), producer.connect()]);
    const groups = [`${own}.resolve`, `${own}.merge.bench`];
    await waitForMembers(admin, groups, instances, running.failed);
    // Not timed: a few changes on every partition first, so that each instance has fetched its
    // schemas, loaded its Redis scripts and compiled its hot paths before the clock starts.
    await Promise.race([sendChanges(producer, input, warmup), running.failed]);
    await Promise.race([waitForOffsets(out, WARMUP), running.failed]);
    const known = {
      processorPids: new Set(running.pids),
      benchPid: process.pid,
      stackPids: readStackPids(join(stateDir, 'run')),
    };
    const before = snapshotMachine();
    const first = performance.now();
    await Promise.race([sendChanges(producer, input, messages), running.failed]);
    const sendSeconds = (performance.now() - first) / 1000;
    await Promise.race([waitForOffsets(out, WARMUP + count), running.failed]);
    const seconds = (performance.now() - first) / 1000;
    const cpu = cpuBetween(before, snapshotMachine(), known);
    const processorMicrosPerChange = Math.round((cpu.parts.processors * seconds * 1e6) / count);
    return {
      instances,
      changesPerSec: count / seconds,
      seconds,
      sendSeconds,
      cpu,
      processorMicrosPerChange,
    };
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await running.stop();
    await cleanUp(own);
  }
}

/** Scaling: a line per instance count, with its ratio to the first count and to `bare`. */
async function instancesBench(counts: readonly number[], bare: number) {
  log(
    `instances ${counts.join(', ')}: separate 'tandem processor' processes sharing the consumer groups, ${N} new records each, from the first change sent to the last write command out`,
  );
  const runs: InstancesRun[] = [];
  for (const count of counts) {
    if (count > PARTITIONS) {
      log(
        `  ${count} instances on ${PARTITIONS} partitions: ${count - PARTITIONS} get no partition`,
      );
    }
    const run = await instancesRun(count, N);
    runs.push(run);
    const base = runs[0]!;
    log(
      `${count} instance${count === 1 ? '' : 's'}: ${N} changes in ${run.seconds.toFixed(1)} s: ${run.changesPerSec.toFixed(0)} changes/s (×${(run.changesPerSec / base.changesPerSec).toFixed(2)} of ${base.instances}, ratio to passthrough ${(run.changesPerSec / bare).toFixed(3)}); input sent in ${run.sendSeconds.toFixed(1)} s`,
    );
    log(`  CPU: ${formatCpuUse(run.cpu)}; processors ${run.processorMicrosPerChange} µs/change`);
  }
  const base = runs[0]!;
  return {
    instances: runs.map((r) => ({
      instances: r.instances,
      changesPerSec: Math.round(r.changesPerSec),
      scaling: Number((r.changesPerSec / base.changesPerSec).toFixed(3)),
      ratio: Number((r.changesPerSec / bare).toFixed(3)),
      seconds: Number(r.seconds.toFixed(2)),
      sendSeconds: Number(r.sendSeconds.toFixed(2)),
      processorMicrosPerChange: r.processorMicrosPerChange,
      cpu: r.cpu,
    })),
  };
}

/**
 * One processor in this process: new records, updates of linked records, latency of a steady
 * stream, then `tandem processor --workers N` processes (BENCH_WORKERS), against `bare`.
 */
async function singleBench(bare: number) {
  const start = () => startIn(prefix);
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

  const ratio = changesPerSec / bare;
  const updatesRatio = updatesPerSec / bare;
  log(`ratio to passthrough: new records ${ratio.toFixed(3)}, updates ${updatesRatio.toFixed(3)}`);
  return {
    changesPerSec: Math.round(changesPerSec),
    updatesPerSec: Math.round(updatesPerSec),
    p50Ms: p50,
    p99Ms: p99,
    ratio: Number(ratio.toFixed(3)),
    updatesRatio: Number(updatesRatio.toFixed(3)),
    workersPerSec: byWorkers,
    cpuNew: cpuJson(newCpu),
    cpuUpdates: cpuJson(updCpu),
  };
}

function formatLoad(load: ReturnType<typeof machineLoad>): string {
  return `${load.cores} cores, load average ${load.loadAverage.join(' / ')} (1 / 5 / 15 min)`;
}

async function main() {
  const loadStart = machineLoad();
  log(`machine at start: ${formatLoad(loadStart)}`);
  const minIsr =
    sizing.minInsyncReplicas === undefined ? '' : `, min.insync ${sizing.minInsyncReplicas}`;
  log(
    `profile ${options.profile}: Kafka ${ep.kafkaBrokers.join(',')}, Redis ${redisTarget(ep.redisUrl)}, registry ${ep.schemaRegistryUrl}, replication factor ${sizing.replicationFactor}${minIsr}`,
  );
  log(
    `${PARTITIONS} partitions per topic (BENCH_PARTITIONS): at most ${PARTITIONS} instances share a stage's work`,
  );
  // Topics first (the processor creates them), then the backlog, then the clock starts. The sync
  // exists before the backlog: its merge group is positioned at the (empty) end of the entities
  // topic and its write topics exist. The resolve group has committed nothing yet.
  await prepareSync(prefix);
  log(`producing ${N} change events (new contacts on one side of a two-way sync)…`);
  await produceChanges(N, 0);

  const { result: bare, cpu: bareCpu } = await profileCpu(N, () => passthrough(N), 'passthrough');
  log(`passthrough (bare kafkajs consume→produce, same input): ${bare.toFixed(0)} msg/s`);
  log(`  ${formatCpu(bareCpu, 'message')}`);

  const figures = options.instances
    ? await instancesBench(options.instances, bare)
    : await singleBench(bare);
  await cleanUp(prefix);

  const loadEnd = machineLoad();
  log(`machine at end: ${formatLoad(loadEnd)}`);
  log(
    JSON.stringify({
      bench: 'processor',
      profile: options.profile,
      changes: N,
      partitions: PARTITIONS,
      replicationFactor: sizing.replicationFactor,
      cores: loadStart.cores,
      loadAverageStart: loadStart.loadAverage,
      loadAverageEnd: loadEnd.loadAverage,
      passthroughPerSec: Math.round(bare),
      cpuPassthrough: cpuJson(bareCpu),
      ...figures,
    }),
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
