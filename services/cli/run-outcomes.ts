import { createLogger } from '../log/logger.ts';
import { startOutcomes } from '../outcomes/index.ts';
import { CliError } from './cli-error.ts';
import { requireKafka } from './require-kafka.ts';
import type { RoleContext } from './role.ts';
import { untilSignal } from './signals.ts';

export async function runOutcomes({ config }: RoleContext): Promise<number> {
  if (!config) throw new CliError('outcomes: no configuration');
  await requireKafka(config);
  const logger = createLogger('outcomes', config.logLevel);
  const sink = await startOutcomes({
    brokers: config.kafkaBrokers,
    schemaRegistryUrl: config.schemaRegistryUrl,
    clickhouseUrl: config.clickhouseUrl,
    database: config.clickhouseDatabase,
    topicPrefix: config.topicPrefix,
    sizing: { partitions: config.topicPartitions, replicationFactor: config.replicationFactor },
    logger,
  });
  logger.info({ topic: sink.topic, groupId: sink.groupId }, 'outcomes ready');
  await untilSignal();
  await sink.close();
  return 0;
}
