import { startConnect } from '../connect/connect.ts';
import type { RoleContext } from './role.ts';
import { serve } from './serve.ts';

export function runConnect(ctx: RoleContext): Promise<number> {
  return serve(
    ctx,
    'connect',
    (config, logger) =>
      startConnect({
        brokers: config.kafkaBrokers,
        redisUrl: config.redisUrl,
        schemaRegistryUrl: config.schemaRegistryUrl,
        topicPrefix: config.topicPrefix,
        redisPrefix: config.redisPrefix,
        sizing: { partitions: config.topicPartitions, replicationFactor: config.replicationFactor },
        ...(config.secretKey === undefined ? {} : { secretKey: config.secretKey }),
        logger,
      }),
    (connect) => ({ connections: connect.connections.ids().length }),
  );
}
