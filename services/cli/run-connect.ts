import { redisTarget } from '../common/redis-client.ts';
import { startConnect } from '../connect/connect.ts';
import type { RoleContext } from './role.ts';
import { roleOptions, serve } from './serve.ts';

export function runConnect(ctx: RoleContext): Promise<number> {
  return serve(
    ctx,
    'connect',
    (config, logger, instance) =>
      startConnect({
        ...roleOptions(config),
        clientId: instance.clientId('tandem-connect'),
        ...(config.secretKey === undefined ? {} : { secretKey: config.secretKey }),
        logger,
      }),
    (connect) => ({
      connections: connect.connections.ids().length,
      redis: ctx.config ? redisTarget(ctx.config.redisUrl) : undefined,
    }),
  );
}
