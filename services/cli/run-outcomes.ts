import { startOutcomes } from '../outcomes/index.ts';
import type { RoleContext } from './role.ts';
import { serve } from './serve.ts';

export function runOutcomes(ctx: RoleContext): Promise<number> {
  return serve(
    ctx,
    'outcomes',
    (config, logger) =>
      startOutcomes({
        brokers: config.kafkaBrokers,
        schemaRegistryUrl: config.schemaRegistryUrl,
        clickhouseUrl: config.clickhouseUrl,
        database: config.clickhouseDatabase,
        topicPrefix: config.topicPrefix,
        sizing: { partitions: config.topicPartitions, replicationFactor: config.replicationFactor },
        logger,
      }),
    (sink) => ({ topic: sink.topic, groupId: sink.groupId }),
  );
}
