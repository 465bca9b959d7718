import type { TandemConfig } from '../config/index.ts';
import type { TopicSizing } from '../engine/topics.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { markNotReady, markReady } from '../metrics/readiness.ts';
import { metricsPortFor, serveMetrics, type MetricsServer } from '../metrics/server.ts';
import { CliError } from './cli-error.ts';
import { requireKafka } from './require-kafka.ts';
import type { RoleContext } from './role.ts';
import { untilSignal } from './signals.ts';
import { reportReady, untilSupervisorGone, workerIndex } from './worker-channel.ts';

/** Where the engine's roles meet, from the configuration: brokers, Redis, registry, names. */
export function roleOptions(config: TandemConfig) {
  return {
    brokers: config.kafkaBrokers,
    redisUrl: config.redisUrl,
    schemaRegistryUrl: config.schemaRegistryUrl,
    topicPrefix: config.topicPrefix,
    redisPrefix: config.redisPrefix,
    redisWaitReplicas: config.redisWaitReplicas,
    sizing: topicSizing(config),
  };
}

/** How the topics a role creates are sized and replicated, from the configuration. */
export function topicSizing(config: TandemConfig): TopicSizing {
  return {
    partitions: config.topicPartitions,
    replicationFactor: config.replicationFactor,
    minInsyncReplicas: config.topicMinInsyncReplicas,
  };
}

/** A started role: closed once, on the first SIGINT or SIGTERM. */
export interface Served {
  close(): Promise<void>;
}

/** Which process of the role this is: the only one, or worker `worker` of a supervisor's N. */
export interface RoleInstance {
  readonly worker: number | undefined;
  /** A Kafka client id: `base` alone, `base-<worker>` in a worker (members show apart in a group). */
  clientId(base: string): string;
}

/**
 * The life of every long-running role: configuration present and Kafka reachable (a clear
 * error otherwise), a logger named after the role, the role started, "<name> ready" logged with
 * what `ready` says about it, then served until a signal and closed cleanly.
 *
 * With `ctx.workers` over 1 this process supervises that many workers instead (supervise.ts); a
 * worker serves as above, its lines marked with its number, says "ready" to its supervisor, and
 * also stops if the supervisor disappears.
 */
export async function serve<T extends Served>(
  ctx: RoleContext,
  name: string,
  start: (config: TandemConfig, logger: Logger, instance: RoleInstance) => Promise<T>,
  ready: (service: T) => Record<string, unknown>,
): Promise<number> {
  const { config } = ctx;
  if (!config) throw new CliError(`${name}: no configuration`);
  await requireKafka(config);
  const worker = workerIndex();
  if (worker === undefined && (ctx.workers ?? 1) > 1) {
    const { supervise } = await import('./supervise.ts');
    const logger = createLogger(name, config.logLevel);
    return supervise({ name, workers: ctx.workers ?? 1, logger });
  }
  const logger =
    worker === undefined
      ? createLogger(name, config.logLevel)
      : createLogger(name, config.logLevel).child({ worker });
  const instance: RoleInstance = {
    worker,
    clientId: (base) => (worker === undefined ? base : `${base}-${worker}`),
  };
  // Before the role, so a port already taken fails the start before anything runs.
  const metrics = await startMetrics(name, config, worker);
  const service = await start(config, logger, instance).catch(async (err: unknown) => {
    await metrics?.close();
    throw err;
  });
  markReady();
  logger.info(
    { ...ready(service), ...(metrics ? { metricsPort: metrics.port } : {}) },
    worker === undefined ? `${name} ready` : `${name} worker ready`,
  );
  if (worker !== undefined) reportReady();
  // Nothing left to run before a signal came means the role stopped serving on its own (its
  // consumers and clients all gone): end with a failure, so a supervisor starts it again.
  const stoppedServing = () => {
    logger.error(`${name} stopped serving without a signal`);
    process.exitCode = 1;
  };
  process.once('beforeExit', stoppedServing);
  if (worker === undefined) {
    await untilSignal();
  } else {
    const done = new AbortController();
    const supervisorGone = untilSupervisorGone(done.signal).then(() =>
      logger.warn(`${name} worker's supervisor is gone; stopping`),
    );
    await Promise.race([untilSignal(), supervisorGone]);
    done.abort();
  }
  process.off('beforeExit', stoppedServing);
  markNotReady('the role is stopping');
  await service.close();
  await metrics?.close();
  return 0;
}

/** The roles serving their metrics on the API port (`GET /metrics`), not on TANDEM_METRICS_PORT. */
const metricsOnApiPort: ReadonlySet<string> = new Set(['api', 'all']);

/**
 * The metrics server of a role process when TANDEM_METRICS_PORT is set (README "Metrics"): on
 * that port, or port + N in worker N. A port taken fails the start with a clear error.
 */
async function startMetrics(
  name: string,
  config: TandemConfig,
  worker: number | undefined,
): Promise<MetricsServer | undefined> {
  if (config.metricsPort === undefined || metricsOnApiPort.has(name)) return undefined;
  const port = metricsPortFor(config.metricsPort, worker);
  try {
    return await serveMetrics(port);
  } catch (err) {
    throw new CliError(
      `${name}: cannot serve metrics on TANDEM_METRICS_PORT (port ${port}): ${(err as Error).message}`,
    );
  }
}
