import { startConnect } from '../connect/connect.ts';
import { createLogger } from '../log/logger.ts';
import { CliError } from './cli-error.ts';
import { requireKafka } from './require-kafka.ts';
import type { RoleContext } from './role.ts';
import { untilSignal } from './signals.ts';

export async function runConnect({ config }: RoleContext): Promise<number> {
  if (!config) throw new CliError('connect: no configuration');
  await requireKafka(config);
  const logger = createLogger('connect', config.logLevel);
  const connect = await startConnect({
    brokers: config.kafkaBrokers,
    redisUrl: config.redisUrl,
    schemaRegistryUrl: config.schemaRegistryUrl,
    topicPrefix: config.topicPrefix,
    redisPrefix: config.redisPrefix,
    sizing: { partitions: config.topicPartitions, replicationFactor: config.replicationFactor },
    ...(config.secretKey === undefined ? {} : { secretKey: config.secretKey }),
    logger,
  });
  logger.info({ connections: connect.connections.list().length }, 'connect ready');
  await untilSignal();
  await connect.close();
  return 0;
}
