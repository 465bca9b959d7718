import type { TandemConfig } from '../config/index.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { CliError } from './cli-error.ts';
import { requireKafka } from './require-kafka.ts';
import type { RoleContext } from './role.ts';
import { untilSignal } from './signals.ts';

/** Where the engine's roles meet, from the configuration: brokers, Redis, registry, names. */
export function roleOptions(config: TandemConfig) {
  return {
    brokers: config.kafkaBrokers,
    redisUrl: config.redisUrl,
    schemaRegistryUrl: config.schemaRegistryUrl,
    topicPrefix: config.topicPrefix,
    redisPrefix: config.redisPrefix,
    sizing: { partitions: config.topicPartitions, replicationFactor: config.replicationFactor },
  };
}

/** A started role: closed once, on the first SIGINT or SIGTERM. */
export interface Served {
  close(): Promise<void>;
}

/**
 * The life of every long-running role: configuration present and Kafka reachable (a clear
 * error otherwise), a logger named after the role, the role started, "<name> ready" logged with
 * what `ready` says about it, then served until a signal and closed cleanly.
 */
export async function serve<T extends Served>(
  { config }: RoleContext,
  name: string,
  start: (config: TandemConfig, logger: Logger) => Promise<T>,
  ready: (service: T) => Record<string, unknown>,
): Promise<number> {
  if (!config) throw new CliError(`${name}: no configuration`);
  await requireKafka(config);
  const logger = createLogger(name, config.logLevel);
  const service = await start(config, logger);
  logger.info(ready(service), `${name} ready`);
  // Nothing left to run before a signal came means the role stopped serving on its own (its
  // consumers and clients all gone): end with a failure, so a supervisor starts it again.
  const stoppedServing = () => {
    logger.error(`${name} stopped serving without a signal`);
    process.exitCode = 1;
  };
  process.once('beforeExit', stoppedServing);
  await untilSignal();
  process.off('beforeExit', stoppedServing);
  await service.close();
  return 0;
}
