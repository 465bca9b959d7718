import { startProcessor } from '../engine/processor.ts';
import { createLogger } from '../log/logger.ts';
import { CliError } from './cli-error.ts';
import { requireKafka } from './require-kafka.ts';
import type { RoleContext } from './role.ts';
import { untilSignal } from './signals.ts';

export async function runProcessor({ config }: RoleContext): Promise<number> {
  if (!config) throw new CliError('processor: no configuration');
  await requireKafka(config);
  const logger = createLogger('processor', config.logLevel);
  const processor = await startProcessor({
    brokers: config.kafkaBrokers,
    redisUrl: config.redisUrl,
    schemaRegistryUrl: config.schemaRegistryUrl,
    topicPrefix: config.topicPrefix,
    redisPrefix: config.redisPrefix,
    sizing: { partitions: config.topicPartitions, replicationFactor: config.replicationFactor },
    logger,
  });
  logger.info({ topicPrefix: config.topicPrefix }, 'processor ready');
  await untilSignal();
  await processor.close();
  return 0;
}
