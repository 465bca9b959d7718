import { redisTarget } from '../common/redis-client.ts';
import { startProcessor } from '../engine/processor.ts';
import type { RoleContext } from './role.ts';
import { roleOptions, serve } from './serve.ts';

export function runProcessor(ctx: RoleContext): Promise<number> {
  return serve(
    ctx,
    'processor',
    (config, logger, instance) =>
      startProcessor({
        ...roleOptions(config),
        clientId: instance.clientId('tandem-processor'),
        logger,
      }),
    () => ({
      topicPrefix: ctx.config?.topicPrefix,
      redis: ctx.config ? redisTarget(ctx.config.redisUrl) : undefined,
    }),
  );
}
