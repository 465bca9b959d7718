import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric Tandem exports, in one registry per process (README "Metrics"). The
 * roles of a process share it: `tandem all` serves all of its roles' metrics on one endpoint.
 * Labels carry names only (groups, topics, connection and sync ids, categories), never values
 * or credentials, so the exposition is safe to serve without a token.
 */
export const registry = new Registry();

let defaultsOn = false;

/**
 * Adds prom-client's default process metrics (CPU, memory, event loop, GC) to the registry, once:
 * called by whatever serves it, so a process that never serves metrics pays nothing for them.
 */
export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry });
}

/** Seconds buckets from 0.5 ms to 10 s: Redis rounds sit at the low end, sink writes higher. */
const latencyBuckets = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export const consumerLag = new Gauge({
  name: 'tandem_consumer_lag',
  help: 'Messages of a partition not yet committed by a consumer group of this process (high watermark − committed offset)',
  labelNames: ['group', 'topic', 'partition'] as const,
  registers: [registry],
});

export const stageMessagesIn = new Counter({
  name: 'tandem_stage_messages_in_total',
  help: 'Messages a stage (consumer group) handled, by the topic they came from',
  labelNames: ['stage', 'topic'] as const,
  registers: [registry],
});

export const stageMessagesOut = new Counter({
  name: 'tandem_stage_messages_out_total',
  help: 'Messages a stage (consumer group) produced, by the topic they went to',
  labelNames: ['stage', 'topic'] as const,
  registers: [registry],
});

export const sinkOutcomes = new Counter({
  name: 'tandem_sink_outcomes_total',
  help: 'Write outcomes a sink reported, by connection, status (in-sync, failed) and category (none when there is none)',
  labelNames: ['connection', 'status', 'category'] as const,
  registers: [registry],
});

export const sinkBatchSeconds = new Histogram({
  name: 'tandem_sink_batch_seconds',
  help: 'Time a sink took to write one batch of commands of one object through its connector (retries included)',
  labelNames: ['connection', 'object'] as const,
  buckets: latencyBuckets,
  registers: [registry],
});

export const kafkaRequestSeconds = new Histogram({
  name: 'tandem_kafka_request_seconds',
  help: 'Duration of Kafka requests of the stages’ consumers and producers, by API (Produce, Fetch, OffsetCommit…)',
  labelNames: ['api'] as const,
  buckets: latencyBuckets,
  registers: [registry],
});

export const redisRoundSeconds = new Histogram({
  name: 'tandem_redis_round_seconds',
  help: 'Duration of one identity-map round trip to Redis (one pipeline or one command)',
  buckets: latencyBuckets,
  registers: [registry],
});

/** One sync's initial-sync progress, as a scrape reads it. */
export interface InitialSyncProgress {
  readonly sync: string;
  readonly done: number;
  readonly total: number;
}

let initialSyncSource: (() => Promise<readonly InitialSyncProgress[]>) | undefined;
let initialSyncRead: Promise<void> | undefined;

/**
 * Where the initial-sync gauges read at scrape time (the API, which knows the syncs and reads
 * their progress from Redis). Only syncs the source lists appear; a failed read keeps the last
 * values rather than failing the scrape.
 */
export function setInitialSyncSource(source: () => Promise<readonly InitialSyncProgress[]>): void {
  initialSyncSource = source;
}

/** Stops reading `source` (its API closed) unless another one replaced it since. */
export function clearInitialSyncSource(
  source: () => Promise<readonly InitialSyncProgress[]>,
): void {
  if (initialSyncSource !== source) return;
  initialSyncSource = undefined;
  initialSyncDone.reset();
  initialSyncTotal.reset();
}

/** One read of the source for both gauges (a scrape collects them concurrently). */
function readInitialSyncs(): Promise<void> {
  const source = initialSyncSource;
  if (!source) return Promise.resolve();
  initialSyncRead ??= source()
    .then((list) => {
      initialSyncDone.reset();
      initialSyncTotal.reset();
      for (const p of list) {
        initialSyncDone.set({ sync: p.sync }, p.done);
        initialSyncTotal.set({ sync: p.sync }, p.total);
      }
    })
    .catch(() => undefined)
    .finally(() => {
      initialSyncRead = undefined;
    });
  return initialSyncRead;
}

export const initialSyncDone: Gauge<'sync'> = new Gauge({
  name: 'tandem_initial_sync_done',
  help: 'Entities the initial sync of a sync has merged so far (current generation; syncs in initial-sync)',
  labelNames: ['sync'] as const,
  registers: [registry],
  collect: readInitialSyncs,
});

export const initialSyncTotal: Gauge<'sync'> = new Gauge({
  name: 'tandem_initial_sync_total',
  help: 'Entities the initial sync of a sync holds to merge (current generation; syncs in initial-sync)',
  labelNames: ['sync'] as const,
  registers: [registry],
  collect: readInitialSyncs,
});

export const readerLeaseHeld = new Gauge({
  name: 'tandem_reader_lease_held',
  help: '1 while this instance holds the reader lease of a connection (reads its source), else 0',
  labelNames: ['connection'] as const,
  registers: [registry],
});
