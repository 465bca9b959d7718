import { startProcessor } from '../engine/processor.ts';
import type { RoleContext } from './role.ts';
import { serve } from './serve.ts';

export function runProcessor(ctx: RoleContext): Promise<number> {
  return serve(
    ctx,
    'processor',
    (config, logger) =>
      startProcessor({
        brokers: config.kafkaBrokers,
        redisUrl: config.redisUrl,
        schemaRegistryUrl: config.schemaRegistryUrl,
        topicPrefix: config.topicPrefix,
        redisPrefix: config.redisPrefix,
        sizing: { partitions: config.topicPartitions, replicationFactor: config.replicationFactor },
        logger,
      }),
    () => ({ topicPrefix: ctx.config?.topicPrefix }),
  );
}
