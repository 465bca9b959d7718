import { startRegistry } from '../schema-registry/index.ts';
import type { RoleContext } from './role.ts';
import { serve } from './serve.ts';

export function runRegistry(ctx: RoleContext): Promise<number> {
  return serve(
    ctx,
    'registry',
    (config, logger) =>
      startRegistry({
        brokers: config.kafkaBrokers,
        topic: config.registryTopic,
        host: config.registryHost,
        port: config.registryPort,
        replicationFactor: config.replicationFactor,
        minInsyncReplicas: config.topicMinInsyncReplicas,
        logger,
      }),
    (registry) => ({ address: registry.address, topic: ctx.config?.registryTopic }),
  );
}
